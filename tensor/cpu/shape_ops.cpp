#include "tensor/cpu/cpu_backend.h"

namespace uflow::cpu {

void CpuBackend::pad2d(const Tensor& y, const Tensor& x, const Pad2dGeometry& g) const {
  dispatch_dtype(x.dtype(), [&]<typename T>() {
    const T* src = x.data<T>();
    T* dst = y.data<T>();
#pragma omp parallel for collapse(2) if (g.planes * g.oh * g.ow > 65536)
    for (int64_t p = 0; p < g.planes; ++p)
      for (int64_t r = 0; r < g.oh; ++r) {
        T* out = dst + (p * g.oh + r) * g.ow;
        const int64_t sr = pad_source(r, g.h, g.top, g.reflect);
        if (sr < 0) {
          for (int64_t c = 0; c < g.ow; ++c) out[c] = T(0);
          continue;
        }
        const T* in = src + (p * g.h + sr) * g.w;
        for (int64_t c = 0; c < g.ow; ++c) {
          const int64_t sc = pad_source(c, g.w, g.left, g.reflect);
          out[c] = sc < 0 ? T(0) : in[sc];
        }
      }
  });
}

void CpuBackend::pad2d_backward(const Tensor& dx, const Tensor& grad,
                                const Pad2dGeometry& g) const {
  dispatch_dtype(grad.dtype(), [&]<typename T>() {
    const T* src = grad.data<T>();
    T* dst = dx.data<T>();
#pragma omp parallel for collapse(2) if (g.planes * g.h * g.w > 65536)
    for (int64_t p = 0; p < g.planes; ++p)
      for (int64_t i = 0; i < g.h; ++i) {
        int64_t rows[3], cols[3];
        const int nr = pad_targets(i, g.h, g.top, g.oh, g.reflect, rows);
        const T* plane = src + p * g.oh * g.ow;
        for (int64_t j = 0; j < g.w; ++j) {
          const int nc = pad_targets(j, g.w, g.left, g.ow, g.reflect, cols);
          T acc = 0;
          for (int a = 0; a < nr; ++a)
            for (int b = 0; b < nc; ++b) acc += plane[rows[a] * g.ow + cols[b]];
          dst[(p * g.h + i) * g.w + j] = acc;
        }
      }
  });
}

}  // namespace uflow::cpu
