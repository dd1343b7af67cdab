// Counter-based random fills; the per-element formulas live in tensor/philox.h and are shared
// with the CUDA kernels, so both devices produce the same numbers.
#include "tensor/cpu/cpu_backend.h"
#include "tensor/philox.h"

namespace uflow::cpu {
namespace {
constexpr int64_t kParallelMin = 1 << 14;
}  // namespace

void CpuBackend::rand_uniform(const Tensor& out, uint64_t seed, uint64_t offset, double lo,
                              double hi) const {
  const int64_t n = out.numel();
  dispatch_dtype(out.dtype(), [&]<typename T>() {
    T* p = out.data<T>();
    const T t_lo = static_cast<T>(lo), span = static_cast<T>(hi - lo);
#pragma omp parallel for if (n > kParallelMin)
    for (int64_t i = 0; i < n; ++i) p[i] = philox::uniform<T>(seed, offset + i, t_lo, span);
  });
}

void CpuBackend::rand_normal(const Tensor& out, uint64_t seed, uint64_t offset, double mean,
                             double std) const {
  const int64_t n = out.numel();
  dispatch_dtype(out.dtype(), [&]<typename T>() {
    T* p = out.data<T>();
#pragma omp parallel for if (n > kParallelMin)
    for (int64_t i = 0; i < n; ++i) p[i] = philox::normal<T>(seed, offset + i, mean, std);
  });
}

}  // namespace uflow::cpu
