// CaiT's blocks with layer scale:
//   x += gamma_1 ⊙ attn(norm1(x));  x += gamma_2 ⊙ mlp(norm2(x)).
// The self-attention block (talking heads) runs; the class-attention block of the class stage
// only holds parameters (class_attention_block.h).
#pragma once
#include "layers/layer_norm.h"
#include "layers/mlp.h"
#include "layers/talking_head_attn.h"

namespace uflow {

// What both block kinds hold, registered in timm's state_dict order: norm1, attn, norm2, mlp,
// gamma_1, gamma_2. The attention is built by the caller first, so the generator draws for it
// before the MLP's, as in timm.
template <typename Attn>
class LayerScaleResidual : public Module {
 protected:
  LayerScaleResidual(int64_t dim, std::shared_ptr<Attn> attn, double mlp_ratio, double init_values,
                     double eps, Generator& gen) {
    norm1_ = register_module("norm1", std::make_shared<LayerNorm>(dim, eps));
    attn_ = register_module("attn", std::move(attn));
    norm2_ = register_module("norm2", std::make_shared<LayerNorm>(dim, eps));
    mlp_ = register_module("mlp",
                           std::make_shared<Mlp>(dim, static_cast<int64_t>(dim * mlp_ratio), gen));
    gamma_1_ = kernels::full({dim}, init_values);
    gamma_2_ = kernels::full({dim}, init_values);
    register_parameter("gamma_1", &gamma_1_);
    register_parameter("gamma_2", &gamma_2_);
  }

  std::shared_ptr<LayerNorm> norm1_, norm2_;
  std::shared_ptr<Attn> attn_;
  std::shared_ptr<Mlp> mlp_;
  Tensor gamma_1_, gamma_2_;
};

class LayerScaleBlock : public LayerScaleResidual<TalkingHeadAttn> {
 public:
  LayerScaleBlock(int64_t dim, int64_t heads, double mlp_ratio, double init_values, double eps,
                  Generator& gen);
  Tensor forward(const Tensor& x) const;
};

}  // namespace uflow
