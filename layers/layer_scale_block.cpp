#include "layers/layer_scale_block.h"

namespace uflow {

LayerScaleBlock::LayerScaleBlock(int64_t dim, int64_t heads, double mlp_ratio, double init_values,
                                 double eps, Generator& gen)
    : LayerScaleResidual(dim, std::make_shared<TalkingHeadAttn>(dim, heads, gen), mlp_ratio,
                         init_values, eps, gen) {}

Tensor LayerScaleBlock::forward(const Tensor& x) const {
  // Each residual x + gamma ⊙ f(x) in one pass (scaled_residual).
  const Tensor h = scaled_residual(x, gamma_1_, attn_->forward(norm1_->forward(x)));
  return scaled_residual(h, gamma_2_, mlp_->forward(norm2_->forward(h)));
}

}  // namespace uflow
