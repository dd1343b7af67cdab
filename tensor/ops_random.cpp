// Counter-based random tensors (tensor/philox.h): the same numbers on every backend.
#include "tensor/backend.h"
#include "tensor/ops.h"
#include "tensor/profiler.h"

namespace uflow::kernels {
Tensor rand_uniform(const Shape& shape, uint64_t seed, uint64_t offset, double lo, double hi,
                    DType dtype, Device device) {
  profile::Scope scope(profile::Kind::random);
  UFLOW_CHECK(hi >= lo, "rand_uniform: upper bound ", hi, " below lower bound ", lo);
  Tensor out = Tensor::empty(shape, dtype, device);
  backend(device).rand_uniform(out, seed, offset, lo, hi);
  return out;
}

Tensor rand_normal(const Shape& shape, uint64_t seed, uint64_t offset, double mean, double std,
                   DType dtype, Device device) {
  profile::Scope scope(profile::Kind::random);
  UFLOW_CHECK(std >= 0, "rand_normal: negative standard deviation ", std);
  Tensor out = Tensor::empty(shape, dtype, device);
  backend(device).rand_normal(out, seed, offset, mean, std);
  return out;
}

}  // namespace uflow::kernels
