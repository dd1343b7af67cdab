// The softmax of one contiguous row, shared by the CPU softmax (tensor/cpu/softmax.cpp) and the
// fused attention (tensor/cpu/talking_heads_attention.cpp). The three passes are written so the
// compiler vectorises them: max and sum as SIMD reductions, e^x in float by
// tensor/cpu/vector_math.h. y may be x (in place).
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>

#include "tensor/cpu/vector_math.h"

namespace uflow::cpu {

template <typename T>
inline T exp_of(T x) {
  if constexpr (std::is_same_v<T, float>)
    return vec::exp(x);
  else
    return std::exp(x);
}

template <typename T>
inline void softmax_row(const T* x, T* y, int64_t n) {
  T mx = -std::numeric_limits<T>::infinity();
#pragma omp simd reduction(max : mx)
  for (int64_t j = 0; j < n; ++j) mx = std::max(mx, x[j]);
  T sum = 0;
#pragma omp simd reduction(+ : sum)
  for (int64_t j = 0; j < n; ++j) {
    const T e = exp_of(x[j] - mx);
    y[j] = e;
    sum += e;
  }
  const T inv = T(1) / sum;
#pragma omp simd
  for (int64_t j = 0; j < n; ++j) y[j] *= inv;
}

}  // namespace uflow::cpu
