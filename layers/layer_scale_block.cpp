#include "layers/layer_scale_block.h"

namespace uflow {

LayerScaleBlock::LayerScaleBlock(int64_t dim, int64_t heads, double mlp_ratio, double init_values,
                                 double eps, Generator& gen) {
  // Registration order follows timm's state_dict order.
  norm1_ = register_module("norm1", std::make_shared<LayerNorm>(dim, eps));
  attn_ = register_module("attn", std::make_shared<TalkingHeadAttn>(dim, heads, gen));
  norm2_ = register_module("norm2", std::make_shared<LayerNorm>(dim, eps));
  mlp_ = register_module("mlp",
                         std::make_shared<Mlp>(dim, static_cast<int64_t>(dim * mlp_ratio), gen));
  gamma_1_ = kernels::full({dim}, init_values);
  gamma_2_ = kernels::full({dim}, init_values);
  register_parameter("gamma_1", &gamma_1_);
  register_parameter("gamma_2", &gamma_2_);
}

Tensor LayerScaleBlock::forward(const Tensor& x) const {
  Tensor h = x + gamma_1_ * attn_->forward(norm1_->forward(x));
  return h + gamma_2_ * mlp_->forward(norm2_->forward(h));
}

}  // namespace uflow
