#include "layers/class_attention_block.h"

namespace uflow {

ClassAttn::ClassAttn(int64_t dim, Generator& gen) {
  q_ = register_module("q", std::make_shared<Linear>(dim, dim, true, gen));
  k_ = register_module("k", std::make_shared<Linear>(dim, dim, true, gen));
  v_ = register_module("v", std::make_shared<Linear>(dim, dim, true, gen));
  proj_ = register_module("proj", std::make_shared<Linear>(dim, dim, true, gen));
}

LayerScaleBlockClassAttn::LayerScaleBlockClassAttn(int64_t dim, double mlp_ratio,
                                                   double init_values, double eps, Generator& gen)
    : LayerScaleResidual(dim, std::make_shared<ClassAttn>(dim, gen), mlp_ratio, init_values, eps,
                         gen) {}

}  // namespace uflow
