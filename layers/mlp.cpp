#include "layers/mlp.h"

namespace uflow {

Mlp::Mlp(int64_t dim, int64_t hidden, Generator& gen) {
  fc1_ = register_module("fc1", std::make_shared<Linear>(dim, hidden, true, gen));
  fc2_ = register_module("fc2", std::make_shared<Linear>(hidden, dim, true, gen));
}

// fc1 as its GEMM alone, then fc1's bias add and the GELU in one pass over the (…, hidden)
// activations (bias_gelu) instead of two passes and two allocations.
Tensor Mlp::forward(const Tensor& x) const {
  const Tensor pre = linear(x, fc1_->weight(), Tensor());
  return fc2_->forward(bias_gelu(pre, fc1_->bias()));
}

}  // namespace uflow
