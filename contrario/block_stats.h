// The statistics of the block NFA (docs/nfa.md §3): the χ²₁ quantile that makes an
// entry a candidate and the binomial upper tail that scores a window's candidate count.
#pragma once
#include <cstdint>
#include <vector>

namespace uflow::contrario {

// τ with P(χ²₁ <= τ) = p, for 0 < p < 1 (p = 0.9 -> 2.7055434541).
double chi2_1_quantile(double p);

// table[k] = log10 P(Bin(n, q) > k) for k = 0..n; table[n] = -inf (the strict tail is empty).
std::vector<double> binomial_tail_log10_table(int64_t n, double q);

}  // namespace uflow::contrario
