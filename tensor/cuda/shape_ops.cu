// 2-d padding on the GPU: one thread per output element, the index maps of
// tensor/pad2d_geometry.h. The backward gathers (no atomics), so it is deterministic.
#include "tensor/cuda/check.h"
#include "tensor/cuda/cuda_backend.h"
#include "tensor/cuda/runtime.h"

namespace uflow::cuda {
namespace {

template <typename T>
__global__ void pad2d_kernel(T* y, const T* x, Pad2dGeometry g) {
  const int64_t total = g.planes * g.oh * g.ow;
  for (int64_t idx = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; idx < total;
       idx += (int64_t)gridDim.x * blockDim.x) {
    const int64_t c = idx % g.ow;
    const int64_t r = (idx / g.ow) % g.oh;
    const int64_t p = idx / (g.ow * g.oh);
    const int64_t sr = pad_source(r, g.h, g.top, g.reflect);
    const int64_t sc = pad_source(c, g.w, g.left, g.reflect);
    y[idx] = (sr < 0 || sc < 0) ? T(0) : x[(p * g.h + sr) * g.w + sc];
  }
}

template <typename T>
__global__ void pad2d_backward_kernel(T* dx, const T* grad, Pad2dGeometry g) {
  const int64_t total = g.planes * g.h * g.w;
  for (int64_t idx = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; idx < total;
       idx += (int64_t)gridDim.x * blockDim.x) {
    const int64_t j = idx % g.w;
    const int64_t i = (idx / g.w) % g.h;
    const int64_t p = idx / (g.w * g.h);
    int64_t rows[3], cols[3];
    const int nr = pad_targets(i, g.h, g.top, g.oh, g.reflect, rows);
    const int nc = pad_targets(j, g.w, g.left, g.ow, g.reflect, cols);
    const T* plane = grad + p * g.oh * g.ow;
    T acc = 0;
    for (int a = 0; a < nr; ++a)
      for (int b = 0; b < nc; ++b) acc += plane[rows[a] * g.ow + cols[b]];
    dx[idx] = acc;
  }
}

}  // namespace

void CudaBackend::pad2d(const Tensor& y, const Tensor& x, const Pad2dGeometry& g) const {
  dispatch_dtype(x.dtype(), [&]<typename T>() {
    pad2d_kernel<<<grid_for(y.numel()), 256, 0, stream()>>>(y.data<T>(), x.data<T>(), g);
  });
  UFLOW_CUDA_CHECK_LAUNCH();
}

void CudaBackend::pad2d_backward(const Tensor& dx, const Tensor& grad,
                                 const Pad2dGeometry& g) const {
  dispatch_dtype(grad.dtype(), [&]<typename T>() {
    pad2d_backward_kernel<<<grid_for(dx.numel()), 256, 0, stream()>>>(dx.data<T>(), grad.data<T>(),
                                                                      g);
  });
  UFLOW_CUDA_CHECK_LAUNCH();
}

}  // namespace uflow::cuda
