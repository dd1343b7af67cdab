// CaiT's self-attention block with layer scale:
//   x += gamma_1 ⊙ attn(norm1(x));  x += gamma_2 ⊙ mlp(norm2(x)).
#pragma once
#include "layers/layer_norm.h"
#include "layers/mlp.h"
#include "layers/talking_head_attn.h"

namespace uflow {

class LayerScaleBlock : public Module {
 public:
  LayerScaleBlock(int64_t dim, int64_t heads, double mlp_ratio, double init_values, double eps,
                  Generator& gen);
  Tensor forward(const Tensor& x) const;
  std::shared_ptr<LayerNorm> norm1_, norm2_;
  std::shared_ptr<TalkingHeadAttn> attn_;
  std::shared_ptr<Mlp> mlp_;
  Tensor gamma_1_, gamma_2_;
};

}  // namespace uflow
