// The simplification of a component tree that selects the regions of the tree NFA
// (docs/nfa.md §2 step 4; the U-Flow paper's pruning and merging procedures).
//   prune: every leaf's branch (the leaf, then its parent, … while that parent has exactly one
//          child) keeps only its node of smallest log P (the first one from the leaf on ties);
//          the kept node takes the branch's place under the branch top's parent.
//   merge: a node with two or more children, all of them leaves, absorbs them when its log P is
//          <= the smallest of theirs.
// prune, then merge and prune again while merge changed something, then a final prune.
#pragma once
#include <cstdint>
#include <span>
#include <vector>

namespace uflow::contrario {

// parent: the tree (parent[n] < n, -1 for the root); log_prob: per node. Returns one flag per
// node: 1 for the leaves of the simplified tree (the final regions), 0 otherwise.
std::vector<uint8_t> simplify_tree(std::span<const int32_t> parent,
                                   std::span<const double> log_prob);

}  // namespace uflow::contrario
