#include "contrario/block_stats.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "tensor/error.h"

namespace uflow::contrario {
namespace {

// ln(e^a + e^b) without overflow.
double log_add(double a, double b) {
  if (a == -std::numeric_limits<double>::infinity()) return b;
  if (b == -std::numeric_limits<double>::infinity()) return a;
  const double hi = std::max(a, b), lo = std::min(a, b);
  return hi + std::log1p(std::exp(lo - hi));
}

}  // namespace

double chi2_1_quantile(double p) {
  UFLOW_CHECK(p > 0.0 && p < 1.0, "chi2_1_quantile: probability ", p, " is not in (0, 1)");
  // P(χ²₁ <= x²) = erf(x / √2). Bisection on x to the last bit; erfc carries the upper half
  // where 1 − erf would lose digits.
  const bool upper = p > 0.5;
  const double target = upper ? 1.0 - p : p;
  double lo = 0.0, hi = 64.0;
  for (int it = 0; it < 2000; ++it) {
    const double mid = 0.5 * (lo + hi);
    if (mid <= lo || mid >= hi) break;
    const double f = upper ? std::erfc(mid / std::sqrt(2.0)) : std::erf(mid / std::sqrt(2.0));
    // erf grows with x, erfc shrinks: move the bound that keeps the root inside.
    if ((f < target) != upper)
      lo = mid;
    else
      hi = mid;
  }
  const double x = 0.5 * (lo + hi);
  return x * x;
}

std::vector<double> binomial_tail_log10_table(int64_t n, double q) {
  UFLOW_CHECK(n >= 1, "binomial_tail_log10_table: n = ", n);
  UFLOW_CHECK(q > 0.0 && q < 1.0, "binomial_tail_log10_table: q = ", q, " is not in (0, 1)");
  constexpr double kNegInf = -std::numeric_limits<double>::infinity();
  const double ln_q = std::log(q), ln_1q = std::log1p(-q), nd = static_cast<double>(n);
  std::vector<double> ln_pmf(n + 1);
  for (int64_t j = 0; j <= n; ++j) {
    const double jd = static_cast<double>(j);
    ln_pmf[j] = std::lgamma(nd + 1) - std::lgamma(jd + 1) - std::lgamma(nd - jd + 1) + jd * ln_q +
                (nd - jd) * ln_1q;
  }
  // ln P(X <= k), summed upwards.
  std::vector<double> ln_lower(n + 1);
  double acc = kNegInf;
  for (int64_t k = 0; k <= n; ++k) ln_lower[k] = acc = log_add(acc, ln_pmf[k]);
  // ln P(X > k), summed downwards; where it exceeds 1/2 it is taken as ln(1 − P(X <= k))
  // instead, which keeps the relative precision of tails close to 1.
  std::vector<double> table(n + 1, kNegInf);
  acc = kNegInf;
  for (int64_t k = n - 1; k >= 0; --k) {
    acc = log_add(acc, ln_pmf[k + 1]);
    const double ln_tail = acc > -std::log(2.0) ? std::log1p(-std::exp(ln_lower[k])) : acc;
    table[k] = ln_tail / std::log(10.0);
  }
  return table;
}

}  // namespace uflow::contrario
