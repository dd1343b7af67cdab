// Counter-based random tensors; the per-element formulas live in tensor/philox.h and are shared
// with the CUDA kernels.
#include "tensor/ops.h"
#include "tensor/philox.h"
#if defined(UFLOW_WITH_CUDA)
#include "tensor/cuda/random.h"
#endif

namespace uflow::kernels {
namespace {
constexpr int64_t kParallelMin = 1 << 14;
}  // namespace

Tensor rand_uniform(const Shape& shape, uint64_t seed, uint64_t offset, double lo, double hi,
                    DType dtype, Device device) {
  UFLOW_CHECK(hi >= lo, "rand_uniform: upper bound ", hi, " below lower bound ", lo);
  Tensor out = Tensor::empty(shape, dtype, device);
  const int64_t n = out.numel();
#if defined(UFLOW_WITH_CUDA)
  if (device == Device::cuda) {
    cuda::rand_uniform(out, seed, offset, lo, hi);
    return out;
  }
#endif
  dispatch_dtype(dtype, [&]<typename T>() {
    T* p = out.data<T>();
    const T t_lo = static_cast<T>(lo), span = static_cast<T>(hi - lo);
#pragma omp parallel for if (n > kParallelMin)
    for (int64_t i = 0; i < n; ++i) p[i] = philox::uniform<T>(seed, offset + i, t_lo, span);
  });
  return out;
}

Tensor rand_normal(const Shape& shape, uint64_t seed, uint64_t offset, double mean, double std,
                   DType dtype, Device device) {
  UFLOW_CHECK(std >= 0, "rand_normal: negative standard deviation ", std);
  Tensor out = Tensor::empty(shape, dtype, device);
  const int64_t n = out.numel();
#if defined(UFLOW_WITH_CUDA)
  if (device == Device::cuda) {
    cuda::rand_normal(out, seed, offset, mean, std);
    return out;
  }
#endif
  dispatch_dtype(dtype, [&]<typename T>() {
    T* p = out.data<T>();
#pragma omp parallel for if (n > kParallelMin)
    for (int64_t i = 0; i < n; ++i) p[i] = philox::normal<T>(seed, offset + i, mean, std);
  });
  return out;
}

}  // namespace uflow::kernels
