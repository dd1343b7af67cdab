// Per-pixel arithmetic of the NFA maps, written once for the CPU loops and the CUDA kernels.
#pragma once
#include <cstdint>

#include "tensor/dtype.h"

namespace uflow::contrario {

// Reflect padding without repeating the edge (…, 2, 1, [0, 1, …, n−1], n−2, …); valid for
// offsets up to n − 1 beyond either end.
UFLOW_HD int64_t reflect_index(int64_t i, int64_t n) {
  return i < 0 ? -i : (i >= n ? 2 * (n - 1) - i : i);
}

// Sum of count over the (2·hw+1)² window centred on (y, x) of an (h, w) map, reflect-padded.
UFLOW_HD int64_t window_sum(const int32_t* count, int64_t h, int64_t w, int64_t y, int64_t x,
                            int64_t hw) {
  int64_t k = 0;
  for (int64_t dy = -hw; dy <= hw; ++dy) {
    const int32_t* row = count + reflect_index(y + dy, h) * w;
    for (int64_t dx = -hw; dx <= hw; ++dx) k += row[reflect_index(x + dx, w)];
  }
  return k;
}

// A window's log10 P: the strict binomial tail at floor(K / C) (table has n + 1 entries, the
// last one −inf; K / C never exceeds n).
UFLOW_HD float window_log_prob(int64_t k_sum, int64_t channels, const double* table) {
  return static_cast<float>(table[k_sum / channels]);
}

// min that propagates NaN, like torch.amin.
UFLOW_HD float nan_min(float a, float b) {
  return (a != a || a < b) ? a : b;
}

// −log10 NFA from the combined per-scale log10 P.
UFLOW_HD float nfa_score(float log_prob, double log10_tests) {
  return static_cast<float>(-(static_cast<double>(log_prob) + log10_tests));
}

// Detection: −log10 NFA > ε (NaN is never detected).
UFLOW_HD float nfa_detect(float score, double epsilon) {
  return static_cast<double>(score) > epsilon ? 1.0f : 0.0f;
}

}  // namespace uflow::contrario
