// Fused layer_norm on the GPU: one block per row for the statistics, the normalisation and
// the input gradient; the weight and bias gradients are column sums over rows done in two
// deterministic stages (per-chunk partial sums, then a sum over chunks in a fixed order).
#include <algorithm>

#include "tensor/cuda/block_reduce.cuh"
#include "tensor/cuda/check.h"
#include "tensor/cuda/cuda_backend.h"
#include "tensor/cuda/runtime.h"

namespace uflow::cuda {
namespace {

constexpr int kRowBlock = 256;

unsigned row_grid(int64_t rows) {
  return static_cast<unsigned>(std::min<int64_t>(rows, 65535 * 16));
}

template <typename T>
__global__ void layer_norm_rows(T* y, T* mean, T* rstd, const T* x, const T* w, const T* b,
                                int64_t rows, int64_t cols, T eps) {
  __shared__ T shared[32];
  for (int64_t r = blockIdx.x; r < rows; r += gridDim.x) {
    const T* xr = x + r * cols;
    T* yr = y + r * cols;
    T s = 0;
    for (int64_t j = threadIdx.x; j < cols; j += blockDim.x) s += xr[j];
    const T mu = block_reduce(s, shared, SumOp(), T(0)) / T(cols);
    T ss = 0;  // two passes: no cancellation for rows with a large mean
    for (int64_t j = threadIdx.x; j < cols; j += blockDim.x) ss += (xr[j] - mu) * (xr[j] - mu);
    const T inv = T(1) / sqrt(block_reduce(ss, shared, SumOp(), T(0)) / T(cols) + eps);
    if (threadIdx.x == 0) {
      mean[r] = mu;
      rstd[r] = inv;
    }
    for (int64_t j = threadIdx.x; j < cols; j += blockDim.x) {
      T v = (xr[j] - mu) * inv;
      if (w) v *= w[j];
      if (b) v += b[j];
      yr[j] = v;
    }
  }
}

// dx = rstd · (ĝ − mean(ĝ) − x̂ · mean(ĝ·x̂)), with x̂ = (x − mean)·rstd and ĝ = g·weight.
template <typename T>
__global__ void layer_norm_backward_rows(T* dx, const T* g, const T* x, const T* mean,
                                         const T* rstd, const T* w, int64_t rows, int64_t cols) {
  __shared__ T shared[32];
  for (int64_t r = blockIdx.x; r < rows; r += gridDim.x) {
    const T* xr = x + r * cols;
    const T* gr = g + r * cols;
    const T mu = mean[r], inv = rstd[r];
    T sg = 0, sgx = 0;
    for (int64_t j = threadIdx.x; j < cols; j += blockDim.x) {
      const T gh = w ? gr[j] * w[j] : gr[j];
      sg += gh;
      sgx += gh * (xr[j] - mu) * inv;
    }
    const T a = block_reduce(sg, shared, SumOp(), T(0)) / T(cols);
    const T b = block_reduce(sgx, shared, SumOp(), T(0)) / T(cols);
    T* dr = dx + r * cols;
    for (int64_t j = threadIdx.x; j < cols; j += blockDim.x) {
      const T gh = w ? gr[j] * w[j] : gr[j];
      dr[j] = inv * (gh - a - (xr[j] - mu) * inv * b);
    }
  }
}

constexpr int kColTile = 32, kRowTile = 8;

// Stage 1: partial[chunk][j] = Σ over the chunk's rows of g·x̂ (and of g). Block (32, 8).
template <typename T>
__global__ void layer_norm_param_partials(T* pw, T* pb, const T* g, const T* x, const T* mean,
                                          const T* rstd, int64_t rows, int64_t cols) {
  __shared__ T sw[kRowTile][kColTile + 1];
  __shared__ T sb[kRowTile][kColTile + 1];
  const int64_t j = blockIdx.x * (int64_t)kColTile + threadIdx.x;
  T aw = 0, ab = 0;
  if (j < cols) {
    for (int64_t r = blockIdx.y * (int64_t)kRowTile + threadIdx.y; r < rows;
         r += (int64_t)gridDim.y * kRowTile) {
      const T gv = g[r * cols + j];
      aw += gv * (x[r * cols + j] - mean[r]) * rstd[r];
      ab += gv;
    }
  }
  sw[threadIdx.y][threadIdx.x] = aw;
  sb[threadIdx.y][threadIdx.x] = ab;
  __syncthreads();
  if (threadIdx.y == 0 && j < cols) {
    for (int k = 1; k < kRowTile; ++k) {
      aw += sw[k][threadIdx.x];
      ab += sb[k][threadIdx.x];
    }
    if (pw) pw[blockIdx.y * cols + j] = aw;
    if (pb) pb[blockIdx.y * cols + j] = ab;
  }
}

// Stage 2: out[j] = Σ_chunk partial[chunk][j].
template <typename T>
__global__ void sum_chunks(T* out, const T* partial, int64_t chunks, int64_t cols) {
  for (int64_t j = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; j < cols;
       j += (int64_t)gridDim.x * blockDim.x) {
    T s = 0;
    for (int64_t c = 0; c < chunks; ++c) s += partial[c * cols + j];
    out[j] = s;
  }
}

template <typename T>
const T* optional_data(const Tensor& t) {
  return t.defined() ? t.data<T>() : nullptr;
}

}  // namespace

void CudaBackend::layer_norm(const Tensor& y, const Tensor& mean, const Tensor& rstd,
                             const Tensor& x, const Tensor& weight, const Tensor& bias,
                             int64_t rows, int64_t cols, double eps) const {
  dispatch_dtype(x.dtype(), [&]<typename T>() {
    layer_norm_rows<T><<<row_grid(rows), kRowBlock, 0, stream()>>>(
        y.data<T>(), mean.data<T>(), rstd.data<T>(), x.data<T>(), optional_data<T>(weight),
        optional_data<T>(bias), rows, cols, static_cast<T>(eps));
  });
  UFLOW_CUDA_CHECK_LAUNCH();
}

void CudaBackend::layer_norm_backward(const Tensor& dx, const Tensor& dweight, const Tensor& dbias,
                                      const Tensor& g, const Tensor& x, const Tensor& mean,
                                      const Tensor& rstd, const Tensor& weight, int64_t rows,
                                      int64_t cols) const {
  dispatch_dtype(x.dtype(), [&]<typename T>() {
    if (dx.defined()) {
      layer_norm_backward_rows<T><<<row_grid(rows), kRowBlock, 0, stream()>>>(
          dx.data<T>(), g.data<T>(), x.data<T>(), mean.data<T>(), rstd.data<T>(),
          optional_data<T>(weight), rows, cols);
      UFLOW_CUDA_CHECK_LAUNCH();
    }
    if (!dweight.defined() && !dbias.defined()) return;
    const int64_t chunks = std::clamp<int64_t>((rows + 63) / 64, 1, 256);
    Tensor pw = Tensor::empty({chunks, cols}, x.dtype(), x.device());
    Tensor pb = Tensor::empty({chunks, cols}, x.dtype(), x.device());
    const dim3 grid(static_cast<unsigned>((cols + kColTile - 1) / kColTile),
                    static_cast<unsigned>(chunks));
    layer_norm_param_partials<T><<<grid, dim3(kColTile, kRowTile), 0, stream()>>>(
        pw.data<T>(), pb.data<T>(), g.data<T>(), x.data<T>(), mean.data<T>(), rstd.data<T>(), rows,
        cols);
    UFLOW_CUDA_CHECK_LAUNCH();
    if (dweight.defined())
      sum_chunks<T>
          <<<grid_for(cols), 256, 0, stream()>>>(dweight.data<T>(), pw.data<T>(), chunks, cols);
    if (dbias.defined())
      sum_chunks<T>
          <<<grid_for(cols), 256, 0, stream()>>>(dbias.data<T>(), pb.data<T>(), chunks, cols);
    UFLOW_CUDA_CHECK_LAUNCH();
  });
}

}  // namespace uflow::cuda
