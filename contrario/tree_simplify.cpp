#include "contrario/tree_simplify.h"

#include <limits>

#include "tensor/error.h"

namespace uflow::contrario {
namespace {

class Simplifier {
 public:
  Simplifier(std::span<const int32_t> parent, std::span<const double> log_prob)
      : parent_(parent.begin(), parent.end()),
        log_prob_(log_prob),
        children_(parent.size(), 0),
        alive_(parent.size(), 1) {
    for (const int32_t p : parent_)
      if (p >= 0) ++children_[p];
  }

  // Branches of different leaves are disjoint and keep their top's parent's child count, so
  // the leaves can be handled one after the other on the live tree.
  void prune() {
    leaves_.clear();
    for (size_t n = 0; n < parent_.size(); ++n)
      if (alive_[n] && children_[n] == 0) leaves_.push_back(static_cast<int32_t>(n));
    for (const int32_t leaf : leaves_) {
      branch_.assign(1, leaf);
      for (int32_t up = parent_[leaf]; up >= 0 && children_[up] == 1; up = parent_[up])
        branch_.push_back(up);
      int32_t keep = leaf;
      for (const int32_t n : branch_)
        if (log_prob_[n] < log_prob_[keep]) keep = n;
      if (branch_.size() == 1) continue;
      for (const int32_t n : branch_)
        if (n != keep) alive_[n] = 0;
      parent_[keep] = parent_[branch_.back()];
      children_[keep] = 0;
    }
  }

  // Decisions are taken on the tree as it was when the pass started. The definition walks the
  // nodes in ascending level order, where a node comes before its descendants, so absorbing
  // during its pass can never change a later decision of the same pass.
  bool merge() {
    const size_t n_nodes = parent_.size();
    has_inner_child_.assign(n_nodes, 0);
    min_child_.assign(n_nodes, std::numeric_limits<double>::infinity());
    for (size_t n = 0; n < n_nodes; ++n) {
      const int32_t p = parent_[n];
      if (!alive_[n] || p < 0) continue;
      if (children_[n] > 0) has_inner_child_[p] = 1;
      if (log_prob_[n] < min_child_[p]) min_child_[p] = log_prob_[n];
    }
    absorb_.assign(n_nodes, 0);
    bool merged = false;
    for (size_t n = 0; n < n_nodes; ++n) {
      if (alive_[n] && children_[n] >= 2 && !has_inner_child_[n] && log_prob_[n] <= min_child_[n]) {
        absorb_[n] = 1;
        merged = true;
      }
    }
    if (!merged) return false;
    for (size_t n = 0; n < n_nodes; ++n) {
      const int32_t p = parent_[n];
      if (alive_[n] && p >= 0 && absorb_[p]) alive_[n] = 0;
    }
    for (size_t n = 0; n < n_nodes; ++n)
      if (absorb_[n]) children_[n] = 0;
    return true;
  }

  std::vector<uint8_t> leaves() const {
    std::vector<uint8_t> out(parent_.size(), 0);
    for (size_t n = 0; n < parent_.size(); ++n) out[n] = alive_[n] && children_[n] == 0;
    return out;
  }

 private:
  std::vector<int32_t> parent_;
  std::span<const double> log_prob_;
  std::vector<int32_t> children_;  // live children of each live node
  std::vector<uint8_t> alive_;
  std::vector<int32_t> leaves_, branch_;
  std::vector<uint8_t> has_inner_child_, absorb_;
  std::vector<double> min_child_;
};

}  // namespace

std::vector<uint8_t> simplify_tree(std::span<const int32_t> parent,
                                   std::span<const double> log_prob) {
  UFLOW_CHECK(parent.size() == log_prob.size(), "simplify_tree: ", parent.size(), " nodes but ",
              log_prob.size(), " log-probabilities");
  for (size_t n = 0; n < parent.size(); ++n)
    UFLOW_CHECK(parent[n] < static_cast<int32_t>(n) && (parent[n] >= 0 || n == 0),
                "simplify_tree: node ", n, " has parent ", parent[n],
                " (parents must precede their children, node 0 is the root)");
  Simplifier s(parent, log_prob);
  s.prune();
  while (s.merge()) s.prune();
  s.prune();
  return s.leaves();
}

}  // namespace uflow::contrario
