// χ²₁ quantiles, strict binomial tails and window geometry of the block NFA.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>

#include "contrario/block_log_prob.h"
#include "contrario/block_stats.h"
#include "contrario/nfa_math.h"
#include "tensor/error.h"

using namespace uflow::contrario;

TEST_CASE("chi2(1) quantiles") {
  // docs/nfa.md §3 and scipy.stats.chi2.ppf(p, 1).
  CHECK(std::fabs(chi2_1_quantile(0.9) - 2.7055434541) <= 1e-10);
  CHECK(std::fabs(chi2_1_quantile(0.5) - 0.4549364231) <= 1e-10);
  CHECK(std::fabs(chi2_1_quantile(0.9) - 2.705543454095404) <= 1e-12);
  CHECK(std::fabs(chi2_1_quantile(0.5) - 0.454936423119572) <= 1e-12);
  // scipy.stats.chi2.ppf(0.01, 1), scipy.stats.chi2.ppf(0.999999, 1)
  CHECK(std::fabs(chi2_1_quantile(0.01) - 0.00015708785790970184) <= 1e-17);
  CHECK(std::fabs(chi2_1_quantile(0.999999) - 23.92812697687947) <= 1e-9);
  CHECK_THROWS_AS(chi2_1_quantile(1.0), uflow::Error);
  CHECK_THROWS_AS(chi2_1_quantile(0.0), uflow::Error);
}

TEST_CASE("strict binomial tails, n = 25 and n = 9, q = 0.1") {
  // q as the block NFA computes it, 1 - 0.9.
  const std::vector<double> t25 = binomial_tail_log10_table(25, 1.0 - 0.9);
  REQUIRE(t25.size() == 26);
  // docs/nfa.md §3, 4 decimals.
  const std::pair<int, double> doc25[] = {{0, -0.0324}, {3, -0.6263},  {6, -2.0234},
                                          {9, -4.1025}, {12, -6.7903}, {24, -25.0000}};
  for (const auto& [k, v] : doc25) CHECK(std::fabs(t25[k] - v) <= 6e-5);
  // scipy.stats.binom.logsf(k, 25, 1 - 0.9) / numpy.log(10)
  CHECK(std::fabs(t25[0] - -0.03235366290049864) <= 1e-12);
  CHECK(std::fabs(t25[6] - -2.0233584174142596) <= 1e-12);
  CHECK(std::fabs(t25[12] - -6.790261418834748) <= 1e-11);
  CHECK(std::fabs(t25[24] - -24.999999999999996) <= 1e-11);
  CHECK(t25[25] == -std::numeric_limits<double>::infinity());

  const std::vector<double> t9 = binomial_tail_log10_table(9, 1.0 - 0.9);
  REQUIRE(t9.size() == 10);
  const std::pair<int, double> doc9[] = {{0, -0.2128}, {1, -0.6475}, {2, -1.2760}, {3, -2.0793},
                                         {4, -3.0502}, {5, -4.1922}, {8, -9.0000}};
  for (const auto& [k, v] : doc9) CHECK(std::fabs(t9[k] - v) <= 6e-5);
  // scipy.stats.binom.logsf(k, 9, 1 - 0.9) / numpy.log(10)
  CHECK(std::fabs(t9[1] - -0.647510646407846) <= 1e-12);
  CHECK(std::fabs(t9[4] - -3.0501612916066727) <= 1e-12);
  CHECK(t9[9] == -std::numeric_limits<double>::infinity());
}

TEST_CASE("strict binomial tails, anomalib's n = 49, q = 0.5") {
  const std::vector<double> t = binomial_tail_log10_table(49, 0.5);
  // scipy.stats.binom.logsf(k, 49, 0.5) / numpy.log(10) for k = 10, 24, 40, 48
  CHECK(std::fabs(t[10] - -8.35137143057922e-06) <= 1e-16);
  CHECK(std::fabs(t[24] - -0.30102999566398114) <= 1e-12);
  CHECK(std::fabs(t[40] - -6.007743968270769) <= 1e-11);
  CHECK(std::fabs(t[48] - -14.750469787535076) <= 1e-11);
}

TEST_CASE("window half-widths shrink with the scale") {
  // max(floor(window / 2^s / 2), 1): 5 -> 2, 1, 1; 7 -> 3, 1, 1; 9 -> 4, 2, 1.
  CHECK(block_half_width(5, 0) == 2);
  CHECK(block_half_width(5, 1) == 1);
  CHECK(block_half_width(5, 2) == 1);
  CHECK(block_half_width(7, 0) == 3);
  CHECK(block_half_width(7, 1) == 1);
  CHECK(block_half_width(9, 1) == 2);
  CHECK(block_half_width(9, 2) == 1);
}

TEST_CASE("reflect padding mirrors without repeating the edge") {
  CHECK(reflect_index(-2, 5) == 2);
  CHECK(reflect_index(-1, 5) == 1);
  CHECK(reflect_index(0, 5) == 0);
  CHECK(reflect_index(4, 5) == 4);
  CHECK(reflect_index(5, 5) == 3);
  CHECK(reflect_index(6, 5) == 2);
}

TEST_CASE("window counts and the tail lookup on a hand-made map") {
  // A 3x4 count map, half-width 1, C = 2: the window of (0, 0) covers rows {1, 0, 1} and
  // columns {1, 0, 1}.
  const int32_t count[12] = {1, 0, 2, 0,  //
                             0, 3, 0, 1,  //
                             2, 0, 0, 4};
  CHECK(window_sum(count, 3, 4, 0, 0, 1) == 3 + 0 + 3 + 0 + 1 + 0 + 3 + 0 + 3);
  CHECK(window_sum(count, 3, 4, 1, 1, 1) == 1 + 0 + 2 + 0 + 3 + 0 + 2 + 0 + 0);
  const std::vector<double> table = binomial_tail_log10_table(9, 0.1);
  std::vector<float> out(12);
  block_log_prob_map(count, 3, 4, 2, 1, table, out.data());
  CHECK(out[0] == static_cast<float>(table[12 / 2]));
  CHECK(out[5] == static_cast<float>(table[8 / 2]));
  CHECK_THROWS_AS(block_log_prob_map(count, 3, 4, 2, 3, table, out.data()), uflow::Error);
}
