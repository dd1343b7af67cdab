// The choice between the two a-contrario segmentations of latents, the tree NFA (tree_nfa.h,
// the paper's) and the block NFA (block_nfa.h, anomalib's), for callers that let the user pick.
#pragma once
#include <vector>

#include "contrario/block_nfa.h"
#include "contrario/tree_nfa.h"

namespace uflow::contrario {

enum class NfaMethod { tree, block };

// The spelling of the command line and of output files: "tree" or "block".
inline const char* to_string(NfaMethod method) {
  return method == NfaMethod::block ? "block" : "tree";
}

// The method and the options of both variants, with their defaults.
struct NfaSettings {
  NfaMethod method = NfaMethod::tree;
  int64_t size = TreeNfaOptions{}.size;       // T, the side of the output maps
  bool guard = TreeNfaOptions{}.guard;        // tree only
  int64_t window = BlockNfaOptions{}.window;  // block only
  double prob = BlockNfaOptions{}.prob;       // block only
};

NfaResult run_nfa(const std::vector<Tensor>& z, const NfaSettings& s);

}  // namespace uflow::contrario
