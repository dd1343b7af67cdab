// CaiT's class-attention stage (cls token, two class-attention blocks, classifier head).
// U-Flow never runs it: these modules only hold the parameters so that a full CaiT has
// exactly timm's state_dict keys and shapes (checked against timm's manifest). No forward.
#pragma once
#include "layers/layer_scale_block.h"

namespace uflow {

class ClassAttn : public Module {
 public:
  ClassAttn(int64_t dim, Generator& gen);

 private:
  std::shared_ptr<Linear> q_, k_, v_, proj_;
};

class LayerScaleBlockClassAttn : public LayerScaleResidual<ClassAttn> {
 public:
  LayerScaleBlockClassAttn(int64_t dim, double mlp_ratio, double init_values, double eps,
                           Generator& gen);
};

}  // namespace uflow
