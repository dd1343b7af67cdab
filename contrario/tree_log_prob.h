// Per-scale log-probability map of the tree NFA (docs/nfa.md §2 steps 1-5), on plain
// buffers so that the CPU and CUDA paths share it.
//
// Each node n of the max-tree of S (S[p] = Σ_c z[c,p]², equivalently of mean_c z²) gets
//   t = min_{p∈R_n} S[p] / C,   log10 P_n = |R_n| · (−(C/2)·(t − 1 − ln t) / ln 10),
// the Chernoff bound on P(χ²_C ≥ C·t) raised to the region size. The bound is only a tail bound
// for t > 1; like the reference it is applied for t < 1 as well, where it makes regions whose
// squared latents are SMALLER than expected look anomalous (z ~ N(0, 0.95²) flags the whole
// map). With guard = true, nodes with t <= 1 get log P = 0 instead: only regions whose every
// pixel is over-dispersed can be significant, so the same latents give no detection; since a
// node's t never exceeds its children's, such 0 nodes also stop the merges from climbing
// through the under-dispersed part of the tree.
//
// Every final region gets its log P. (The original implementation keys its final regions by
// log P, so when two of them have exactly the same value one is left at 0; this happens on
// plateaus of equal latents, not on continuous data.)
#pragma once
#include <cmath>
#include <cstdint>
#include <span>

namespace uflow::contrario {

// log10 of the Chernoff bound for one pixel at normalised energy t = S / C.
inline double chernoff_log10_prob(double t, int64_t channels, bool guard) {
  if (guard && t <= 1.0) return 0.0;
  return -(static_cast<double>(channels) / 2.0) * (t - 1.0 - std::log(t)) / std::log(10.0);
}

// sum_sq: (h·w) sums of squares over `channels` channels. out: (h·w) log10 P of the final region
// holding each pixel, 0 for pixels outside every final region. As in the reference's float map,
// −inf (S = 0) is stored as the lowest float and NaN as 0.
void tree_log_prob_map(std::span<const double> sum_sq, int64_t h, int64_t w, int64_t channels,
                       bool guard, std::span<float> out);

// S[p] = Σ_c z[c·hw + p]², accumulated in double in channel order (the CUDA kernel uses the
// same order, so both give the same bits and hence the same tree).
void sum_of_squares(const float* z, int64_t channels, int64_t hw, double* sum_sq);

}  // namespace uflow::contrario
