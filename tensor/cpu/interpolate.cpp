#include "tensor/cpu/cpu_backend.h"

namespace uflow::cpu {

void CpuBackend::interp_apply(const Tensor& y, const Tensor& x, int64_t outer, int64_t inner,
                              const InterpTable& t) const {
  dispatch_dtype(x.dtype(), [&]<typename T>() {
    const std::vector<T> w(t.weight.begin(), t.weight.end());
    const T* src = x.data<T>();
    T* dst = y.data<T>();
    const int64_t n_in = t.n_in, n_out = t.n_out;
#pragma omp parallel for collapse(2) if (outer * n_out * inner > 32768)
    for (int64_t a = 0; a < outer; ++a)
      for (int64_t o = 0; o < n_out; ++o) {
        T* out = dst + (a * n_out + o) * inner;
        for (int64_t k = 0; k < inner; ++k) out[k] = T(0);
        for (int64_t e = t.row[o]; e < t.row[o + 1]; ++e) {
          const T we = w[e];
          const T* in = src + (a * n_in + t.col[e]) * inner;
          for (int64_t k = 0; k < inner; ++k) out[k] += we * in[k];
        }
      }
  });
}

}  // namespace uflow::cpu
