// The CPU loop behind the element-wise ops (see tensor/elementwise_backend.h): a dense path the
// compiler vectorises, and a strided path that resolves operand offsets once per row.
#pragma once
#include "tensor/strided.h"
#include "tensor/tensor.h"

namespace uflow::cpu {
namespace cpu_loop_detail {

// Below this many elements a parallel region costs more than it saves.
constexpr int64_t kParallelMin = 1 << 15;

template <typename T, typename F, int N>
inline T call(const F& f, const T* const (&p)[N], const int64_t (&i)[N]) {
  if constexpr (N == 1) return f(p[0][i[0]]);
  if constexpr (N == 2) return f(p[0][i[0]], p[1][i[1]]);
  if constexpr (N == 3) return f(p[0][i[0]], p[1][i[1]], p[2][i[2]]);
}

}  // namespace cpu_loop_detail

// The CPU loop of ElementwiseBackend (tensor/elementwise_backend.h).
struct CpuLoop {
  // out[i] = f(in_0[i], ..., in_{N-1}[i]) over out's shape.
  template <typename T, int N, typename F>
  static void run(const Tensor& out, const Tensor* const (&in)[N], const F& f) {
    using namespace cpu_loop_detail;
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

  // out[r, c] = f(in_0[r, c], in_1[c], in_2[r, c]) for contiguous operands, in_1 a per-column
  // vector: rows in parallel, each row one unit-stride loop the compiler vectorises.
  template <typename T, int N, typename F>
  static void run_rows(const Tensor& out, const Tensor* const (&in)[N], int64_t rows, int64_t cols,
                       const F& f) {
    static_assert(N == 2 || N == 3, "run_rows: a matrix, the vector and at most one more matrix");
    using namespace cpu_loop_detail;
    T* o = out.data<T>();
    const T* a = static_cast<const T*>(in[0]->raw_data());
    const T* v = static_cast<const T*>(in[1]->raw_data());
    const T* c = N == 3 ? static_cast<const T*>(in[N - 1]->raw_data()) : nullptr;
#pragma omp parallel for if (rows * cols > kParallelMin)
    for (int64_t r = 0; r < rows; ++r) {
      const int64_t base = r * cols;
      T* orow = o + base;
      const T* arow = a + base;
      if constexpr (N == 2) {
#pragma omp simd
        for (int64_t j = 0; j < cols; ++j) orow[j] = f(arow[j], v[j]);
      } else {
        const T* crow = c + base;
#pragma omp simd
        for (int64_t j = 0; j < cols; ++j) orow[j] = f(arow[j], v[j], crow[j]);
      }
    }
  }
};

}  // namespace uflow::cpu
