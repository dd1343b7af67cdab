#include "layers/mlp.h"

namespace uflow {

Mlp::Mlp(int64_t dim, int64_t hidden, Generator& gen) {
  fc1_ = register_module("fc1", std::make_shared<Linear>(dim, hidden, true, gen));
  fc2_ = register_module("fc2", std::make_shared<Linear>(hidden, dim, true, gen));
}

}  // namespace uflow
