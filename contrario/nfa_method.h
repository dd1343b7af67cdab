// The choice between the two a-contrario segmentations of latents: the tree NFA (tree_nfa.h,
// the paper's) and the block NFA (block_nfa.h, anomalib's).
#pragma once

namespace uflow::contrario {

enum class NfaMethod { tree, block };

// The spelling of the command line and of output files: "tree" or "block".
inline const char* to_string(NfaMethod method) {
  return method == NfaMethod::block ? "block" : "tree";
}

}  // namespace uflow::contrario
