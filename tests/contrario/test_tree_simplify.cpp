// The prune and merge procedures on hand-made trees (docs/nfa.md §2 step 4).
#include <doctest/doctest.h>

#include <cstdint>
#include <vector>

#include "contrario/tree_simplify.h"
#include "tensor/error.h"

using uflow::contrario::simplify_tree;

namespace {
// Indices of the final leaves.
std::vector<int32_t> final_leaves(const std::vector<int32_t>& parent,
                                  const std::vector<double>& log_prob) {
  const std::vector<uint8_t> f = simplify_tree(parent, log_prob);
  std::vector<int32_t> out;
  for (size_t n = 0; n < f.size(); ++n)
    if (f[n]) out.push_back(static_cast<int32_t>(n));
  return out;
}
}  // namespace

TEST_CASE("prune keeps the smallest log P of a branch, the root included") {
  // 0 -> 1 -> 2: one branch from the leaf to the root.
  CHECK(final_leaves({-1, 0, 1}, {-1, -5, -3}) == std::vector<int32_t>{1});
  CHECK(final_leaves({-1, 0, 1}, {-7, -5, -3}) == std::vector<int32_t>{0});
}

TEST_CASE("prune ties go to the node nearest the leaf") {
  CHECK(final_leaves({-1, 0, 1}, {-2, -2, -2}) == std::vector<int32_t>{2});
  CHECK(final_leaves({-1, 0, 1}, {-2, -3, -3}) == std::vector<int32_t>{2});
}

TEST_CASE("a branch stops below a node with several children") {
  // 0 -> {1, 4}; 1 -> 2 -> 3. The branch of 3 is 3, 2, 1; node 2 wins it and hangs under 0.
  // 0 then has leaves 2 and 4 but -1 > min(-9, -5): no merge.
  CHECK(final_leaves({-1, 0, 1, 2, 0}, {-1, -2, -9, -3, -5}) == std::vector<int32_t>{2, 4});
  // With the root below both, it absorbs them.
  CHECK(final_leaves({-1, 0, 1, 2, 0}, {-10, -2, -9, -3, -5}) == std::vector<int32_t>{0});
}

TEST_CASE("merge when the parent is at most the smallest child") {
  CHECK(final_leaves({-1, 0, 0}, {-10, -3, -4}) == std::vector<int32_t>{0});
  CHECK(final_leaves({-1, 0, 0}, {-4, -3, -4}) == std::vector<int32_t>{0});  // equal merges
  CHECK(final_leaves({-1, 0, 0}, {-3.9, -3, -4}) == std::vector<int32_t>{1, 2});
}

TEST_CASE("merge needs all children to be leaves, and repeats") {
  // 0 -> {1, 2}, 1 -> {3, 4}. Pass 1 merges 3, 4 into 1 (0 has an inner child); pass 2 merges
  // 1, 2 into 0.
  CHECK(final_leaves({-1, 0, 0, 1, 1}, {-100, -1, -1, -0.5, -0.5}) == std::vector<int32_t>{0});
  // If 1 does not absorb its children, 0 never sees only leaves.
  CHECK(final_leaves({-1, 0, 0, 1, 1}, {-100, -0.1, -1, -0.5, -0.5}) ==
        std::vector<int32_t>{2, 3, 4});
}

TEST_CASE("a prune after a merge collapses the new branch") {
  // 0 -> 1 -> {2, 3}; 0 has one child. Merge turns 1 into a leaf, and the next prune picks
  // between 1 and 0 along the new branch 1, 0.
  CHECK(final_leaves({-1, 0, 1, 1}, {-8, -6, -2, -3}) == std::vector<int32_t>{0});
  CHECK(final_leaves({-1, 0, 1, 1}, {-5, -6, -2, -3}) == std::vector<int32_t>{1});
}

TEST_CASE("a single node is its own final region") {
  CHECK(final_leaves({-1}, {-3}) == std::vector<int32_t>{0});
}

TEST_CASE("malformed trees are rejected") {
  CHECK_THROWS_AS(simplify_tree(std::vector<int32_t>{-1, 2, 0}, std::vector<double>{0, 0, 0}),
                  uflow::Error);
  CHECK_THROWS_AS(simplify_tree(std::vector<int32_t>{-1, 0}, std::vector<double>{0}), uflow::Error);
}
