#include "tensor/cpu/cpu_backend.h"
#include "tensor/reduce_math.h"

namespace uflow::cpu {
namespace {

constexpr int64_t kParallelMin = 1 << 15;

// po[i] = fn(pointer to x[a, 0, k]) for every output i = a·K + k.
template <typename T, typename Fn>
void for_each_output(const Tensor& out, const Tensor& x, int64_t A, int64_t R, int64_t K,
                     const Fn& fn) {
  const T* px = x.data<T>();
  T* po = out.data<T>();
  const int64_t n = A * K;
#pragma omp parallel for if (n * R > kParallelMin && n > 1)
  for (int64_t i = 0; i < n; ++i) {
    const int64_t a = i / K, k = i % K;
    // An empty reduction (R = 0) reads nothing, and x may have no storage: offsetting a null
    // pointer is undefined behaviour, so fn gets the base pointer then.
    po[i] = fn(R > 0 ? px + a * R * K + k : px);
  }
}

}  // namespace

void CpuBackend::reduce(ReduceOp op, const Tensor& out, const Tensor& x, int64_t A, int64_t R,
                        int64_t K) const {
  dispatch_dtype(x.dtype(), [&]<typename T>() {
    switch (op) {
      case ReduceOp::sum:
        for_each_output<T>(out, x, A, R, K,
                           [&](const T* p) { return static_cast<T>(rd::sum(p, R, K)); });
        break;
      case ReduceOp::mean:
        for_each_output<T>(out, x, A, R, K, [&](const T* p) {
          return static_cast<T>(rd::sum(p, R, K) / static_cast<double>(R));
        });
        break;
      case ReduceOp::max:
        for_each_output<T>(out, x, A, R, K, [&](const T* p) { return rd::max(p, R, K); });
        break;
      case ReduceOp::min:
        for_each_output<T>(out, x, A, R, K, [&](const T* p) { return rd::min(p, R, K); });
        break;
    }
  });
}

void CpuBackend::argmax(int64_t* out, const Tensor& x, int64_t A, int64_t R, int64_t K) const {
  dispatch_dtype(x.dtype(), [&]<typename T>() {
    const T* px = x.data<T>();
    const int64_t n = A * K;
#pragma omp parallel for if (n * R > kParallelMin && n > 1)
    for (int64_t i = 0; i < n; ++i) out[i] = rd::argmax(px + (i / K) * R * K + i % K, R, K);
  });
}

void CpuBackend::var(const Tensor& out, const Tensor& x, int64_t A, int64_t R, int64_t K,
                     int64_t correction) const {
  dispatch_dtype(x.dtype(), [&]<typename T>() {
    for_each_output<T>(out, x, A, R, K, [&](const T* p) {
      const double mean = rd::sum(p, R, K) / static_cast<double>(R);
      return static_cast<T>(rd::var_from(rd::sum_sq_dev(p, R, K, mean), R, correction));
    });
  });
}

}  // namespace uflow::cpu
