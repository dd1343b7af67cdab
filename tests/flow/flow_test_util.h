// Shared helpers for the flow tests: exact Jacobians by backprop and log|det| by LU.
#pragma once
#include <cmath>
#include <functional>
#include <vector>

#include "autograd/ops.h"

namespace uflow::test {

// Jacobian of f at x (both flattened), one backward pass per output element, in x's dtype.
inline std::vector<double> jacobian(const std::function<Tensor(const Tensor&)>& f,
                                    const Tensor& x0) {
  const int64_t n = x0.numel();
  std::vector<double> J;
  Tensor x = kernels::clone(x0);
  x.set_requires_grad(true);
  for (int64_t i = 0;; ++i) {
    x.zero_grad();
    Tensor y = f(x);
    const int64_t m = y.numel();
    if (i == 0) J.assign(m * n, 0.0);
    std::vector<double> e(m, 0.0);
    e[i] = 1.0;
    backward(y, Tensor::from_vector(e, y.shape(), y.dtype()));
    const std::vector<double> g = x.grad().to_vector();
    for (int64_t j = 0; j < n; ++j) J[i * n + j] = g[j];
    if (i + 1 == m) break;
  }
  return J;
}

// log|det A| of an n×n row-major matrix by LU with partial pivoting.
inline double log_abs_det(std::vector<double> a, int64_t n) {
  double acc = 0;
  for (int64_t c = 0; c < n; ++c) {
    int64_t piv = c;
    for (int64_t r = c + 1; r < n; ++r)
      if (std::fabs(a[r * n + c]) > std::fabs(a[piv * n + c])) piv = r;
    if (piv != c)
      for (int64_t k = 0; k < n; ++k) std::swap(a[c * n + k], a[piv * n + k]);
    acc += std::log(std::fabs(a[c * n + c]));
    for (int64_t r = c + 1; r < n; ++r) {
      const double f = a[r * n + c] / a[c * n + c];
      for (int64_t k = c; k < n; ++k) a[r * n + k] -= f * a[c * n + k];
    }
  }
  return acc;
}

}  // namespace uflow::test
