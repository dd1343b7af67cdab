// Tree NFA (docs/nfa.md §2), the a-contrario segmentation of the U-Flow paper:
// per image and scale a log10 P map from the max-tree of mean_c z² (tree_log_prob.h), bilinear
// upsampling to T×T (align_corners = false), the MIN over scales, plus log10 N_tests
// (number_of_tests.h). The result is −log10 NFA; a pixel is detected where it is > epsilon
// (epsilon = 0: NFA < 1). CUDA latents get the channel reductions, the upsampling and the
// combination on the GPU; the trees (a few hundred nodes each) are built on the CPU.
#pragma once
#include <vector>

#include "contrario/nfa.h"
#include "contrario/scale_maps.h"

namespace uflow::contrario {

struct TreeNfaOptions {
  int64_t size = 256;    // T, the side of the output maps
  bool guard = false;    // log P = 0 where t <= 1 (see tree_log_prob.h); false = reference
  double epsilon = 0.0;  // mask threshold on −log10 NFA
};

NfaResult tree_nfa(const std::vector<Tensor>& z, const TreeNfaOptions& opt = {});

}  // namespace uflow::contrario
