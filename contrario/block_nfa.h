// Block NFA (docs/nfa.md §3), the earlier a-contrario detector (what anomalib ships):
// per scale s a log10 P map from binomial tests on reflect-padded windows (block_log_prob.h,
// window side shrinking as window / 2^s), bicubic upsampling to T×T (align_corners = true), the
// SUM over scales, plus log10 of the number of tests Σ_s H_s·W_s. The result is −log10 NFA.
// Defaults are the authors' (window 5, probability 0.9); anomalib uses window 7, probability 0.5.
//
// Like the reference, a window whose count reaches ⌊K/C⌋ = n has log P = −inf, which the bicubic
// upsampling turns into NaN around it (score NaN, not detected); it needs every entry of every
// channel in the window above τ, which real latents do not reach.
#pragma once
#include <vector>

#include "contrario/nfa.h"
#include "contrario/scale_maps.h"

namespace uflow::contrario {

struct BlockNfaOptions {
  int64_t size = 256;    // T, the side of the output maps
  int64_t window = 5;    // window side at the finest scale
  double prob = 0.9;     // p: τ is the χ²₁ p-quantile, the binomial success rate is 1 − p
  double epsilon = 0.0;  // mask threshold on −log10 NFA
};

NfaResult block_nfa(const std::vector<Tensor>& z, const BlockNfaOptions& opt = {});

}  // namespace uflow::contrario
