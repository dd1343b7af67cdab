// Element-wise kernels: the functors of tensor/elementwise_math.h applied by a grid-stride loop,
// with a dense fast path and a strided path that honours broadcasting (stride 0).
#include "tensor/cuda/check.h"
#include "tensor/cuda/elementwise.h"
#include "tensor/elementwise_math.h"
#include "tensor/strided.h"

namespace uflow::cuda {
namespace {

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

template <typename T, int N, typename F>
void map(const Tensor& out, const Tensor* const (&in)[N], const F& f) {
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

}  // namespace

void unary(UnaryOp op, const Tensor& out, const Tensor& x) {
  dispatch_dtype(out.dtype(), [&]<typename T>() {
    ew::dispatch_unary(op, [&]<UnaryOp OP>() {
      const Tensor* in[1] = {&x};
      map<T>(out, in, ew::UnaryFn<OP>{});
    });
  });
}

void unary_backward(UnaryOp op, const Tensor& out, const Tensor& x, const Tensor& y,
                    const Tensor& grad) {
  dispatch_dtype(out.dtype(), [&]<typename T>() {
    ew::dispatch_unary(op, [&]<UnaryOp OP>() {
      const Tensor* in[3] = {&x, &y, &grad};
      map<T>(out, in, ew::UnaryGradFn<OP>{});
    });
  });
}

void softplus(const Tensor& out, const Tensor& x, double beta, double threshold) {
  dispatch_dtype(out.dtype(), [&]<typename T>() {
    const Tensor* in[1] = {&x};
    map<T>(out, in, ew::SoftplusFn<T>{T(beta), T(threshold)});
  });
}

void softplus_backward(const Tensor& out, const Tensor& x, const Tensor& grad, double beta,
                       double threshold) {
  dispatch_dtype(out.dtype(), [&]<typename T>() {
    const Tensor* in[2] = {&x, &grad};
    map<T>(out, in, ew::SoftplusGradFn<T>{T(beta), T(threshold)});
  });
}

void pow_scalar(const Tensor& out, const Tensor& x, double p) {
  dispatch_dtype(out.dtype(), [&]<typename T>() {
    const Tensor* in[1] = {&x};
    map<T>(out, in, ew::PowScalarFn<T>{T(p)});
  });
}

void affine_scalar(const Tensor& out, const Tensor& x, double mul, double add) {
  dispatch_dtype(out.dtype(), [&]<typename T>() {
    const Tensor* in[1] = {&x};
    map<T>(out, in, ew::AffineFn<T>{T(mul), T(add)});
  });
}

void clamp(const Tensor& out, const Tensor& x, double lo, double hi) {
  dispatch_dtype(out.dtype(), [&]<typename T>() {
    const Tensor* in[1] = {&x};
    map<T>(out, in, ew::ClampFn<T>{T(lo), T(hi)});
  });
}

void binary(BinaryOp op, const Tensor& out, const Tensor& a, const Tensor& b) {
  dispatch_dtype(out.dtype(), [&]<typename T>() {
    ew::dispatch_binary(op, [&]<BinaryOp OP>() {
      const Tensor* in[2] = {&a, &b};
      map<T>(out, in, ew::BinaryFn<OP>{});
    });
  });
}

void where(const Tensor& out, const Tensor& cond, const Tensor& a, const Tensor& b) {
  dispatch_dtype(out.dtype(), [&]<typename T>() {
    const Tensor* in[3] = {&cond, &a, &b};
    map<T>(out, in, ew::WhereFn{});
  });
}

}  // namespace uflow::cuda
