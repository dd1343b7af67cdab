// CaiT's class-attention stage (cls token, two class-attention blocks, classifier head).
// U-Flow never runs it: these modules only hold the parameters so that a full CaiT has
// exactly timm's state_dict keys and shapes (checked against timm's manifest). No forward.
#pragma once
#include "layers/layer_norm.h"
#include "layers/mlp.h"

namespace uflow {

class ClassAttn : public Module {
 public:
  ClassAttn(int64_t dim, Generator& gen);
  std::shared_ptr<Linear> q_, k_, v_, proj_;
};

class LayerScaleBlockClassAttn : public Module {
 public:
  LayerScaleBlockClassAttn(int64_t dim, double mlp_ratio, double init_values, double eps,
                           Generator& gen);
  std::shared_ptr<LayerNorm> norm1_, norm2_;
  std::shared_ptr<ClassAttn> attn_;
  std::shared_ptr<Mlp> mlp_;
  Tensor gamma_1_, gamma_2_;
};

}  // namespace uflow
