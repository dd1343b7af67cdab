// Reduction arithmetic shared by the CPU loops and the CUDA kernels: sequential reductions of
// one strided run x[0], x[K], ..., x[(R-1)·K], and the pairwise combine steps a parallel tree
// needs. Sums accumulate in double so long f32 reductions stay accurate.
#pragma once
#include <cstdint>
#include <limits>

#include "tensor/elementwise_math.h"

namespace uflow::rd {

template <typename T>
UFLOW_HD double sum(const T* p, int64_t R, int64_t K) {
  double acc = 0;
  for (int64_t r = 0; r < R; ++r) acc += static_cast<double>(p[r * K]);
  return acc;
}

// NaN wins (max and min both propagate it, as in PyTorch).
template <typename T>
UFLOW_HD T max(const T* p, int64_t R, int64_t K) {
  T acc = p[0];
  for (int64_t r = 1; r < R; ++r) acc = ew::binary<BinaryOp::maximum>(acc, p[r * K]);
  return acc;
}
template <typename T>
UFLOW_HD T min(const T* p, int64_t R, int64_t K) {
  T acc = p[0];
  for (int64_t r = 1; r < R; ++r) acc = ew::binary<BinaryOp::minimum>(acc, p[r * K]);
  return acc;
}

// A candidate for argmax: the larger value wins, NaN beats any number, ties (and two NaNs) go
// to the smaller index, so the result is the first maximum whatever the combine order.
template <typename T>
struct ArgBest {
  T v;
  int64_t i;
};
template <typename T>
UFLOW_HD ArgBest<T> argmax_combine(ArgBest<T> a, ArgBest<T> b) {
  const bool a_nan = a.v != a.v, b_nan = b.v != b.v;
  if (a_nan != b_nan) return a_nan ? a : b;
  if (!a_nan && a.v != b.v) return a.v > b.v ? a : b;
  return a.i <= b.i ? a : b;
}
template <typename T>
UFLOW_HD int64_t argmax(const T* p, int64_t R, int64_t K) {
  ArgBest<T> best{p[0], 0};
  for (int64_t r = 1; r < R; ++r) best = argmax_combine(best, ArgBest<T>{p[r * K], r});
  return best.i;
}

// Σ (x - mean)² over the run, two passes in double.
template <typename T>
UFLOW_HD double sum_sq_dev(const T* p, int64_t R, int64_t K, double mean) {
  double acc = 0;
  for (int64_t r = 0; r < R; ++r) {
    const double d = static_cast<double>(p[r * K]) - mean;
    acc += d * d;
  }
  return acc;
}

// Fewer elements than the correction (R <= correction) gives NaN, as in PyTorch.
UFLOW_HD double var_from(double ssd, int64_t R, int64_t correction) {
  const double denom = static_cast<double>(R - correction);
  return denom > 0 ? ssd / denom : std::numeric_limits<double>::quiet_NaN();
}

}  // namespace uflow::rd
