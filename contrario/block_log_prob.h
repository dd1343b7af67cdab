// Per-scale log-probability map of the block NFA (docs/nfa.md §3), on plain buffers.
// An entry z[c, p] is a candidate when z² >= τ (τ the χ²₁ quantile at p, compared in float as the
// reference's float32 arrays do); a pixel's window count K sums the candidates of all channels
// over the (2·hw+1)² reflect-padded window, and its log10 P is log10 P(Bin(n, 1−p) > ⌊K/C⌋),
// n = (2·hw+1)², which is −inf when ⌊K/C⌋ = n.
#pragma once
#include <cstdint>
#include <span>

namespace uflow::contrario {

// Window half-width at scale s (0 = finest): max(⌊window / 2^s / 2⌋, 1).
int64_t block_half_width(int64_t window, int64_t scale);

// count[p] = #{c : z[c·hw + p]² >= tau}.
void count_candidates(const float* z, int64_t channels, int64_t hw, float tau, int32_t* count);

// out[p] = table[⌊K_p / channels⌋] for an (h, w) count map; table from
// binomial_tail_log10_table((2·half_width+1)², 1−p). half_width must be below h and w.
void block_log_prob_map(const int32_t* count, int64_t h, int64_t w, int64_t channels,
                        int64_t half_width, std::span<const double> table, float* out);

}  // namespace uflow::contrario
