#include "layers/layer_scale_block.h"

namespace uflow {

LayerScaleBlock::LayerScaleBlock(int64_t dim, int64_t heads, double mlp_ratio, double init_values,
                                 double eps, Generator& gen)
    : LayerScaleResidual(dim, std::make_shared<TalkingHeadAttn>(dim, heads, gen), mlp_ratio,
                         init_values, eps, gen) {}

Tensor LayerScaleBlock::forward(const Tensor& x) const {
  Tensor h = x + gamma_1_ * attn_->forward(norm1_->forward(x));
  return h + gamma_2_ * mlp_->forward(norm2_->forward(h));
}

}  // namespace uflow
