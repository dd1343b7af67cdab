// softmax and log_softmax over the middle dim of an (outer, n, inner) view. With inner == 1
// (the last dim, the attention case) one block handles a row; otherwise one thread walks one
// (outer, inner) column, so neighbouring threads read neighbouring addresses.
#include <limits>

#include "tensor/cuda/block_reduce.cuh"
#include "tensor/cuda/check.h"
#include "tensor/cuda/cuda_backend.h"

namespace uflow::cuda {
namespace {

constexpr int kRowBlock = 256;

unsigned row_grid(int64_t rows) {
  return static_cast<unsigned>(rows < 65535 * 16 ? rows : 65535 * 16);
}

template <typename T, bool LOG>
__global__ void softmax_rows(T* y, const T* x, int64_t rows, int64_t n) {
  __shared__ T shared[32];
  for (int64_t r = blockIdx.x; r < rows; r += gridDim.x) {
    const T* xr = x + r * n;
    T* yr = y + r * n;
    T m = -std::numeric_limits<T>::infinity();
    for (int64_t i = threadIdx.x; i < n; i += blockDim.x) m = MaxOp()(m, xr[i]);
    m = block_reduce(m, shared, MaxOp(), -std::numeric_limits<T>::infinity());
    T s = 0;
    for (int64_t i = threadIdx.x; i < n; i += blockDim.x) s += exp(xr[i] - m);
    s = block_reduce(s, shared, SumOp(), T(0));
    if constexpr (LOG) {
      const T lse = m + log(s);
      for (int64_t i = threadIdx.x; i < n; i += blockDim.x) yr[i] = xr[i] - lse;
    } else {
      const T inv = T(1) / s;
      for (int64_t i = threadIdx.x; i < n; i += blockDim.x) yr[i] = exp(xr[i] - m) * inv;
    }
  }
}

template <typename T, bool LOG>
__global__ void softmax_cols(T* y, const T* x, int64_t outer, int64_t n, int64_t inner) {
  for (int64_t idx = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; idx < outer * inner;
       idx += (int64_t)gridDim.x * blockDim.x) {
    const int64_t base = (idx / inner) * n * inner + idx % inner;
    T m = -std::numeric_limits<T>::infinity();
    for (int64_t i = 0; i < n; ++i) m = MaxOp()(m, x[base + i * inner]);
    T s = 0;
    for (int64_t i = 0; i < n; ++i) s += exp(x[base + i * inner] - m);
    if constexpr (LOG) {
      const T lse = m + log(s);
      for (int64_t i = 0; i < n; ++i) y[base + i * inner] = x[base + i * inner] - lse;
    } else {
      const T inv = T(1) / s;
      for (int64_t i = 0; i < n; ++i) y[base + i * inner] = exp(x[base + i * inner] - m) * inv;
    }
  }
}

// softmax: dx = y·(g − Σ g·y);  log_softmax: dx = g − exp(y)·Σ g.
template <typename T, bool LOG>
__global__ void softmax_backward_rows(T* dx, const T* y, const T* g, int64_t rows, int64_t n) {
  __shared__ T shared[32];
  for (int64_t r = blockIdx.x; r < rows; r += gridDim.x) {
    const T* yr = y + r * n;
    const T* gr = g + r * n;
    T* dr = dx + r * n;
    T dot = 0;
    for (int64_t i = threadIdx.x; i < n; i += blockDim.x) dot += LOG ? gr[i] : gr[i] * yr[i];
    dot = block_reduce(dot, shared, SumOp(), T(0));
    for (int64_t i = threadIdx.x; i < n; i += blockDim.x)
      dr[i] = LOG ? gr[i] - exp(yr[i]) * dot : yr[i] * (gr[i] - dot);
  }
}

template <typename T, bool LOG>
__global__ void softmax_backward_cols(T* dx, const T* y, const T* g, int64_t outer, int64_t n,
                                      int64_t inner) {
  for (int64_t idx = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; idx < outer * inner;
       idx += (int64_t)gridDim.x * blockDim.x) {
    const int64_t base = (idx / inner) * n * inner + idx % inner;
    T dot = 0;
    for (int64_t i = 0; i < n; ++i) {
      const int64_t e = base + i * inner;
      dot += LOG ? g[e] : g[e] * y[e];
    }
    for (int64_t i = 0; i < n; ++i) {
      const int64_t e = base + i * inner;
      dx[e] = LOG ? g[e] - exp(y[e]) * dot : y[e] * (g[e] - dot);
    }
  }
}

template <typename Fn>
void dispatch_log(bool log, Fn&& fn) {
  if (log)
    fn.template operator()<true>();
  else
    fn.template operator()<false>();
}

}  // namespace

void CudaBackend::softmax(const Tensor& y, const Tensor& x, int64_t outer, int64_t n, int64_t inner,
                          bool log) const {
  dispatch_dtype(x.dtype(), [&]<typename T>() {
    dispatch_log(log, [&]<bool LOG>() {
      if (inner == 1)
        softmax_rows<T, LOG>
            <<<row_grid(outer), kRowBlock, 0, stream()>>>(y.data<T>(), x.data<T>(), outer, n);
      else
        softmax_cols<T, LOG><<<grid_for(outer * inner), 256, 0, stream()>>>(
            y.data<T>(), x.data<T>(), outer, n, inner);
    });
  });
  UFLOW_CUDA_CHECK_LAUNCH();
}

void CudaBackend::softmax_backward(const Tensor& dx, const Tensor& y, const Tensor& g,
                                   int64_t outer, int64_t n, int64_t inner, bool log) const {
  dispatch_dtype(y.dtype(), [&]<typename T>() {
    dispatch_log(log, [&]<bool LOG>() {
      if (inner == 1)
        softmax_backward_rows<T, LOG><<<row_grid(outer), kRowBlock, 0, stream()>>>(
            dx.data<T>(), y.data<T>(), g.data<T>(), outer, n);
      else
        softmax_backward_cols<T, LOG><<<grid_for(outer * inner), 256, 0, stream()>>>(
            dx.data<T>(), y.data<T>(), g.data<T>(), outer, n, inner);
    });
  });
  UFLOW_CUDA_CHECK_LAUNCH();
}

}  // namespace uflow::cuda
