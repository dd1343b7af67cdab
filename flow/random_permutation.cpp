#include "flow/random_permutation.h"

#include <cmath>
#include <numeric>

namespace uflow {

std::vector<int64_t> random_permutation(Generator& gen, int64_t n) {
  std::vector<int64_t> p(n);
  std::iota(p.begin(), p.end(), 0);
  const std::vector<double> u =
      gen.uniform({std::max<int64_t>(n, 1)}, 0.0, 1.0, DType::f64).to_vector();
  for (int64_t i = n - 1; i > 0; --i) {
    const int64_t j = std::min<int64_t>(static_cast<int64_t>(u[i] * (i + 1)), i);
    std::swap(p[i], p[j]);
  }
  return p;
}

Tensor random_rotation(Generator& gen, int64_t n) {
  std::vector<double> a = gen.normal({n, n}, 0.0, 1.0, DType::f64).to_vector();
  // Modified Gram–Schmidt on the rows.
  for (int64_t i = 0; i < n; ++i) {
    double* ri = &a[i * n];
    for (int64_t j = 0; j < i; ++j) {
      const double* rj = &a[j * n];
      double d = 0;
      for (int64_t k = 0; k < n; ++k) d += ri[k] * rj[k];
      for (int64_t k = 0; k < n; ++k) ri[k] -= d * rj[k];
    }
    double norm = 0;
    for (int64_t k = 0; k < n; ++k) norm += ri[k] * ri[k];
    norm = std::sqrt(norm);
    for (int64_t k = 0; k < n; ++k) ri[k] /= norm;
  }
  // Determinant sign via LU of a copy; flip the first row if negative.
  std::vector<double> lu = a;
  double sign = 1;
  for (int64_t c = 0; c < n; ++c) {
    int64_t piv = c;
    for (int64_t r = c + 1; r < n; ++r)
      if (std::fabs(lu[r * n + c]) > std::fabs(lu[piv * n + c])) piv = r;
    if (piv != c) {
      for (int64_t k = 0; k < n; ++k) std::swap(lu[c * n + k], lu[piv * n + k]);
      sign = -sign;
    }
    if (lu[c * n + c] < 0) sign = -sign;
    for (int64_t r = c + 1; r < n; ++r) {
      const double f = lu[r * n + c] / lu[c * n + c];
      for (int64_t k = c; k < n; ++k) lu[r * n + k] -= f * lu[c * n + k];
    }
  }
  if (sign < 0)
    for (int64_t k = 0; k < n; ++k) a[k] = -a[k];
  return Tensor::from_vector(a, {n, n}, DType::f64);
}

}  // namespace uflow
