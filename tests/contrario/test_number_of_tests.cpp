// log10 of the tree NFA's number of tests against docs/nfa.md §2.1.
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "contrario/number_of_tests.h"
#include "tensor/error.h"

using uflow::contrario::log10_number_of_tests;

namespace {
double tests_of(std::vector<int64_t> sizes) {
  return log10_number_of_tests(sizes);
}
}  // namespace

TEST_CASE("log10 N_tests matches the reference values to 1e-5") {
  // The values of docs/nfa.md §2.1; [784, 196] is quoted after the original's float32
  // rounding (mpmath at 40 digits gives 476.9237108557), the others at double precision.
  CHECK(std::fabs(tests_of({784, 196}) - 476.923706) <= 1e-5);
  CHECK(std::fabs(tests_of({784}) - 476.923711) <= 1e-5);
  CHECK(std::fabs(tests_of({196}) - 118.949355) <= 1e-5);
  CHECK(std::fabs(tests_of({4096, 1024, 256}) - 2493.272003) <= 1e-5);
  CHECK(std::fabs(tests_of({1}) - 0.109744) <= 1e-5);
  CHECK(std::fabs(tests_of({4}) - 2.114846) <= 1e-5);
}

TEST_CASE("log10 N_tests agrees with an exact sum at full precision") {
  // mpmath, mp.dps = 50: log10(Σ_s n_s · Σ_{r=1..n_s} 0.316915·4.06257^r / r).
  CHECK(std::fabs(tests_of({784, 196}) - 476.923710855674) <= 1e-9);
  CHECK(std::fabs(tests_of({4096, 1024, 256}) - 2493.27200315033) <= 1e-9);
  CHECK(std::fabs(tests_of({1}) - 0.109743652551102) <= 1e-12);
  CHECK(std::fabs(tests_of({4}) - 2.11484558881326) <= 1e-12);
}

TEST_CASE("log10 N_tests rejects empty scales") {
  CHECK_THROWS_AS(tests_of({}), uflow::Error);
  CHECK_THROWS_AS(tests_of({784, 0}), uflow::Error);
}
