// softmax and log_softmax over the middle dim of an (outer, n, inner) view, and their
// backward passes. With inner > 1 the loops run across whole inner rows at a time so memory
// is read in order.
#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "tensor/cpu/cpu_backend.h"
#include "tensor/cpu/softmax_row.h"

namespace uflow::cpu {
namespace {

constexpr int64_t kParallelElements = 32768;

}  // namespace

void CpuBackend::softmax(const Tensor& y, const Tensor& x, int64_t outer, int64_t n, int64_t inner,
                         bool log) const {
  dispatch_dtype(x.dtype(), [&]<typename T>() {
    const T* xp = x.data<T>();
    T* yp = y.data<T>();
    if (inner == 1 && !log) {
      // Softmax over the last dim (attention rows): one vectorised row at a time.
#pragma omp parallel for schedule(static) if (outer * n > kParallelElements)
      for (int64_t o = 0; o < outer; ++o) softmax_row(xp + o * n, yp + o * n, n);
      return;
    }
#pragma omp parallel for schedule(static) if (outer * n * inner > kParallelElements)
    for (int64_t o = 0; o < outer; ++o) {
      const T* xs = xp + o * n * inner;
      T* ys = yp + o * n * inner;
      std::vector<T> mx(inner, -std::numeric_limits<T>::infinity()), sum(inner, T(0));
      for (int64_t i = 0; i < n; ++i)
        for (int64_t k = 0; k < inner; ++k) mx[k] = std::max(mx[k], xs[i * inner + k]);
      for (int64_t i = 0; i < n; ++i)
        for (int64_t k = 0; k < inner; ++k) {
          const T e = std::exp(xs[i * inner + k] - mx[k]);
          sum[k] += e;
          if (!log) ys[i * inner + k] = e;
        }
      if (log) {
        for (int64_t k = 0; k < inner; ++k) sum[k] = mx[k] + std::log(sum[k]);
        for (int64_t i = 0; i < n; ++i)
          for (int64_t k = 0; k < inner; ++k) ys[i * inner + k] = xs[i * inner + k] - sum[k];
      } else {
        for (int64_t k = 0; k < inner; ++k) sum[k] = T(1) / sum[k];
        for (int64_t i = 0; i < n; ++i)
          for (int64_t k = 0; k < inner; ++k) ys[i * inner + k] *= sum[k];
      }
    }
  });
}

// softmax:     dx = y · (g − Σ g·y)
// log_softmax: dx = g − exp(y) · Σ g
void CpuBackend::softmax_backward(const Tensor& dx, const Tensor& y, const Tensor& g, int64_t outer,
                                  int64_t n, int64_t inner, bool log) const {
  dispatch_dtype(y.dtype(), [&]<typename T>() {
    const T* yp = y.data<T>();
    const T* gp = g.data<T>();
    T* dp = dx.data<T>();
#pragma omp parallel for schedule(static) if (outer * n * inner > kParallelElements)
    for (int64_t o = 0; o < outer; ++o) {
      const int64_t base = o * n * inner;
      std::vector<T> dot(inner, T(0));
      for (int64_t i = 0; i < n; ++i)
        for (int64_t k = 0; k < inner; ++k) {
          const int64_t e = base + i * inner + k;
          dot[k] += log ? gp[e] : gp[e] * yp[e];
        }
      for (int64_t i = 0; i < n; ++i)
        for (int64_t k = 0; k < inner; ++k) {
          const int64_t e = base + i * inner + k;
          dp[e] = log ? gp[e] - std::exp(yp[e]) * dot[k] : yp[e] * (gp[e] - dot[k]);
        }
    }
  });
}

}  // namespace uflow::cpu
