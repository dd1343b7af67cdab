// The CUDA loop behind the element-wise ops (see tensor/elementwise_backend.h): the functors of
// tensor/elementwise_math.h applied by a grid-stride loop, with a dense fast path and a strided
// path that honours broadcasting (stride 0). Included only by tensor/cuda/*.cu.
#pragma once
#include "tensor/cuda/check.h"
#include "tensor/strided.h"
#include "tensor/tensor.h"

namespace uflow::cuda {
namespace elementwise_detail {

template <typename T, int N>
struct Ptrs {
  const T* p[N];
};

template <typename T, int N, typename F>
__device__ __forceinline__ T apply(const F& f, const Ptrs<T, N>& in, const int64_t (&i)[N]) {
  if constexpr (N == 1) return f(in.p[0][i[0]]);
  if constexpr (N == 2) return f(in.p[0][i[0]], in.p[1][i[1]]);
  if constexpr (N == 3) return f(in.p[0][i[0]], in.p[1][i[1]], in.p[2][i[2]]);
}

// All operands contiguous with out's shape: element i of each.
template <typename T, int N, typename F>
__global__ void map_dense(T* out, Ptrs<T, N> in, int64_t n, F f) {
  for (int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; i < n;
       i += (int64_t)gridDim.x * blockDim.x) {
    int64_t idx[N];
    for (int k = 0; k < N; ++k) idx[k] = i;
    out[i] = apply(f, in, idx);
  }
}

// Any strides: offsets from the indexer (operand pointers are storage bases).
template <typename T, int N, typename F>
__global__ void map_strided(T* out, Ptrs<T, N> in, StridedIndexer<N> ix, int64_t n, F f) {
  for (int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; i < n;
       i += (int64_t)gridDim.x * blockDim.x) {
    int64_t off[N];
    ix.offsets(i, off);
    out[i] = apply(f, in, off);
  }
}

// Contiguous (rows, cols) operands and operand 1 a (cols) vector: element i reads v[i % cols].
template <typename T, int N, typename F>
__global__ void map_rows(T* out, Ptrs<T, N> in, int64_t n, int64_t cols, F f) {
  for (int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; i < n;
       i += (int64_t)gridDim.x * blockDim.x) {
    int64_t idx[N];
    for (int k = 0; k < N; ++k) idx[k] = i;
    idx[1] = i % cols;
    out[i] = apply(f, in, idx);
  }
}

}  // namespace elementwise_detail

// The CUDA loop of ElementwiseBackend (tensor/elementwise_backend.h).
struct CudaLoop {
  // out[i] = f(in_0[i], ..., in_{N-1}[i]) over out's shape.
  template <typename T, int N, typename F>
  static void run(const Tensor& out, const Tensor* const (&in)[N], const F& f) {
    using namespace elementwise_detail;
    const int64_t n = out.numel();
    if (n == 0) return;
    T* o = static_cast<T*>(out.raw_data());
    bool dense = true;
    for (int k = 0; k < N; ++k)
      dense = dense && in[k]->is_contiguous() && in[k]->shape() == out.shape();
    Ptrs<T, N> ptrs;
    if (dense) {
      for (int k = 0; k < N; ++k) ptrs.p[k] = static_cast<const T*>(in[k]->raw_data());
      map_dense<T, N, F><<<grid_for(n), 256, 0, stream()>>>(o, ptrs, n, f);
    } else {
      for (int k = 0; k < N; ++k) ptrs.p[k] = static_cast<const T*>(in[k]->storage()->data());
      const StridedIndexer<N> ix = make_indexer(out.shape(), in);
      map_strided<T, N, F><<<grid_for(n), 256, 0, stream()>>>(o, ptrs, ix, n, f);
    }
    UFLOW_CUDA_CHECK_LAUNCH();
  }

  // out[r, c] = f(in_0[r, c], in_1[c], in_2[r, c], ...) for contiguous operands, in_1 a
  // per-column vector.
  template <typename T, int N, typename F>
  static void run_rows(const Tensor& out, const Tensor* const (&in)[N], int64_t rows, int64_t cols,
                       const F& f) {
    using namespace elementwise_detail;
    const int64_t n = rows * cols;
    if (n == 0) return;
    Ptrs<T, N> ptrs;
    for (int k = 0; k < N; ++k) ptrs.p[k] = static_cast<const T*>(in[k]->raw_data());
    map_rows<T, N, F>
        <<<grid_for(n), 256, 0, stream()>>>(static_cast<T*>(out.raw_data()), ptrs, n, cols, f);
    UFLOW_CUDA_CHECK_LAUNCH();
  }
};

}  // namespace uflow::cuda
