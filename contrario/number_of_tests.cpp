#include "contrario/number_of_tests.h"

#include <cmath>
#include <limits>

#include "tensor/error.h"

namespace uflow::contrario {
namespace {

// ln(e^a + e^b) without overflow.
double log_add(double a, double b) {
  if (a == -std::numeric_limits<double>::infinity()) return b;
  const double hi = std::max(a, b), lo = std::min(a, b);
  return hi + std::log1p(std::exp(lo - hi));
}

}  // namespace

double log10_number_of_tests(std::span<const int64_t> pixels_per_scale) {
  UFLOW_CHECK(!pixels_per_scale.empty(), "log10_number_of_tests: no scales");
  const double ln_alpha = std::log(kPolyominoAlpha), ln_beta = std::log(kPolyominoBeta);
  double ln_total = -std::numeric_limits<double>::infinity();
  for (const int64_t n : pixels_per_scale) {
    UFLOW_CHECK(n > 0, "log10_number_of_tests: a scale has ", n, " pixels");
    // Summed from the largest term down, so each addition is of a smaller number.
    double ln_sum = -std::numeric_limits<double>::infinity();
    for (int64_t r = n; r >= 1; --r) {
      const double rd = static_cast<double>(r);
      ln_sum = log_add(ln_sum, ln_alpha + rd * ln_beta - std::log(rd));
    }
    ln_total = log_add(ln_total, std::log(static_cast<double>(n)) + ln_sum);
  }
  return ln_total / std::log(10.0);
}

}  // namespace uflow::contrario
