#include "tensor/cpu/elementwise.h"

#include "tensor/elementwise_math.h"
#include "tensor/strided.h"

namespace uflow::cpu {
namespace {

// Below this many elements a parallel region costs more than it saves.
constexpr int64_t kParallelMin = 1 << 15;

template <typename T, typename F, int N>
inline T call(const F& f, const T* const (&p)[N], const int64_t (&i)[N]) {
  if constexpr (N == 1) return f(p[0][i[0]]);
  if constexpr (N == 2) return f(p[0][i[0]], p[1][i[1]]);
  if constexpr (N == 3) return f(p[0][i[0]], p[1][i[1]], p[2][i[2]]);
}

// out[i] = f(in_0[i], ..., in_{N-1}[i]) over out's shape.
template <typename T, int N, typename F>
void map(const Tensor& out, const Tensor* const (&in)[N], const F& f) {
  const int64_t n = out.numel();
  if (n == 0) return;
  T* o = out.data<T>();

  bool dense = true;
  for (int k = 0; k < N; ++k)
    dense = dense && in[k]->is_contiguous() && in[k]->shape() == out.shape();
  if (dense) {
    // Plain indexed loops the compiler can vectorise.
    if constexpr (N == 1) {
      const T* a = static_cast<const T*>(in[0]->raw_data());
#pragma omp parallel for simd if (parallel : n > kParallelMin)
      for (int64_t i = 0; i < n; ++i) o[i] = f(a[i]);
    } else if constexpr (N == 2) {
      const T* a = static_cast<const T*>(in[0]->raw_data());
      const T* b = static_cast<const T*>(in[1]->raw_data());
#pragma omp parallel for simd if (parallel : n > kParallelMin)
      for (int64_t i = 0; i < n; ++i) o[i] = f(a[i], b[i]);
    } else {
      const T* a = static_cast<const T*>(in[0]->raw_data());
      const T* b = static_cast<const T*>(in[1]->raw_data());
      const T* c = static_cast<const T*>(in[2]->raw_data());
#pragma omp parallel for simd if (parallel : n > kParallelMin)
      for (int64_t i = 0; i < n; ++i) o[i] = f(a[i], b[i], c[i]);
    }
    return;
  }

  // General path: resolve operand offsets once per row of the last dim, then walk the row
  // with each operand's own stride (0 where it broadcasts).
  const StridedIndexer<N> ix = make_indexer(out.shape(), in);
  const int64_t inner = out.dim() > 0 ? out.shape().back() : 1;
  const int64_t rows = n / inner;
  const T* base[N];
  int64_t step[N];
  for (int k = 0; k < N; ++k) {
    base[k] = static_cast<const T*>(in[k]->storage()->data());
    step[k] = out.dim() > 0 ? ix.strides[k][ix.ndim - 1] : 0;
  }
#pragma omp parallel for if (n > kParallelMin)
  for (int64_t r = 0; r < rows; ++r) {
    int64_t off[N];
    ix.offsets(r * inner, off);
    T* orow = o + r * inner;
    for (int64_t j = 0; j < inner; ++j) {
      orow[j] = call<T>(f, base, off);
      for (int k = 0; k < N; ++k) off[k] += step[k];
    }
  }
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

}  // namespace uflow::cpu
