// The max-tree: hand-checked small maps, and random maps against the definition (every node's
// region is the 4-connected component of {level >= node level} holding its pixels).
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <vector>

#include "contrario/component_tree.h"
#include "tensor/error.h"

using uflow::contrario::build_component_tree;
using uflow::contrario::ComponentTree;

namespace {

ComponentTree tree_of(const std::vector<double>& level, int64_t h, int64_t w) {
  return build_component_tree(level, level, h, w);
}

// Pixels of the 4-connected component of {level >= lo} that contains seed (flood fill).
std::vector<int32_t> component(const std::vector<double>& level, int64_t h, int64_t w, int32_t seed,
                               double lo) {
  std::vector<uint8_t> seen(h * w, 0);
  std::vector<int32_t> stack{seed}, out;
  seen[seed] = 1;
  while (!stack.empty()) {
    const int32_t p = stack.back();
    stack.pop_back();
    out.push_back(p);
    const int64_t y = p / w, x = p % w;
    const int64_t ny[4] = {y - 1, y + 1, y, y}, nx[4] = {x, x, x - 1, x + 1};
    for (int k = 0; k < 4; ++k) {
      if (ny[k] < 0 || ny[k] >= h || nx[k] < 0 || nx[k] >= w) continue;
      const int32_t q = static_cast<int32_t>(ny[k] * w + nx[k]);
      if (!seen[q] && level[q] >= lo) {
        seen[q] = 1;
        stack.push_back(q);
      }
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

TEST_CASE("a row with two peaks on a shoulder") {
  // 1 3 2 3 1: root at 1, a node at 2 holding both peaks, two separate nodes at 3.
  const ComponentTree t = tree_of({1, 3, 2, 3, 1}, 1, 5);
  REQUIRE(t.num_nodes() == 4);
  CHECK(t.parent == std::vector<int32_t>{-1, 0, 1, 1});
  CHECK(t.region_size == std::vector<int32_t>{5, 3, 1, 1});
  CHECK(t.node_of_pixel == std::vector<int32_t>{0, 2, 1, 3, 0});
  CHECK(t.region_min == std::vector<double>{1, 2, 3, 3});
}

TEST_CASE("neighbouring pixels of equal level share one node") {
  // 0 0 0 / 0 5 5 / 0 5 7: the three 5s are one node, under it the 7.
  const ComponentTree t = tree_of({0, 0, 0, 0, 5, 5, 0, 5, 7}, 3, 3);
  REQUIRE(t.num_nodes() == 3);
  CHECK(t.parent == std::vector<int32_t>{-1, 0, 1});
  CHECK(t.region_size == std::vector<int32_t>{9, 4, 1});
  CHECK(t.node_of_pixel == std::vector<int32_t>{0, 0, 0, 0, 1, 1, 0, 1, 2});
}

TEST_CASE("equal levels that do not touch (4-connectivity) are separate nodes") {
  const ComponentTree row = tree_of({2, 0, 2}, 1, 3);
  CHECK(row.num_nodes() == 3);
  CHECK(row.parent == std::vector<int32_t>{-1, 0, 0});
  const ComponentTree diagonal = tree_of({3, 0, 0, 3}, 2, 2);  // diagonal neighbours only
  CHECK(diagonal.num_nodes() == 3);
  CHECK(diagonal.region_size == std::vector<int32_t>{4, 1, 1});
}

TEST_CASE("a constant map is a single node") {
  const ComponentTree t = tree_of(std::vector<double>(12, 1.5), 3, 4);
  CHECK(t.num_nodes() == 1);
  CHECK(t.region_size[0] == 12);
  CHECK(t.parent[0] == -1);
}

TEST_CASE("region minima read the values array, not the levels") {
  const std::vector<double> level = {1, 3, 2, 3, 1}, values = {9, -4, 8, 7, 6};
  const ComponentTree t = build_component_tree(level, values, 1, 5);
  CHECK(t.region_min == std::vector<double>{-4, -4, -4, 7});
}

TEST_CASE("random maps with many ties match the definition") {
  std::mt19937 rng(12345);
  for (int trial = 0; trial < 20; ++trial) {
    const int64_t h = 3 + trial % 5, w = 4 + (trial * 3) % 6;
    std::uniform_int_distribution<int> pick(0, 2 + trial % 4);
    std::vector<double> level(h * w);
    for (double& v : level) v = pick(rng);
    const ComponentTree t = tree_of(level, h, w);
    // Every node: region = component of {>= its level} around one of its pixels; its parent
    // has a lower level and a region containing it.
    std::vector<std::vector<int32_t>> pixels_of(t.num_nodes());
    for (int32_t p = 0; p < h * w; ++p) pixels_of[t.node_of_pixel[p]].push_back(p);
    for (int32_t n = 0; n < t.num_nodes(); ++n) {
      REQUIRE(!pixels_of[n].empty());
      const int32_t seed = pixels_of[n][0];
      const double lv = level[seed];
      for (const int32_t p : pixels_of[n]) CHECK(level[p] == lv);
      const std::vector<int32_t> region = component(level, h, w, seed, lv);
      CHECK(static_cast<int32_t>(region.size()) == t.region_size[n]);
      // The node's own pixels are exactly the region's pixels at its level.
      int32_t at_level = 0;
      for (const int32_t p : region) at_level += level[p] == lv;
      CHECK(at_level == static_cast<int32_t>(pixels_of[n].size()));
      CHECK(t.region_min[n] == lv);
      if (n == 0) {
        CHECK(t.parent[n] == -1);
        CHECK(t.region_size[n] == h * w);
      } else {
        const int32_t up = t.parent[n];
        REQUIRE(up >= 0);
        CHECK(up < n);
        const double up_level = level[pixels_of[up][0]];
        CHECK(up_level < lv);
        const std::vector<int32_t> up_region = component(level, h, w, seed, up_level);
        CHECK(static_cast<int32_t>(up_region.size()) == t.region_size[up]);
        // The parent is the nearest enclosing node: no node of a level strictly between
        // contains this one.
        for (const int32_t p : up_region) {
          if (level[p] <= up_level || level[p] >= lv) continue;
          const std::vector<int32_t> between = component(level, h, w, p, level[p]);
          CHECK_FALSE(std::binary_search(between.begin(), between.end(), seed));
        }
      }
    }
  }
}

TEST_CASE("bad inputs are rejected") {
  CHECK_THROWS_AS(tree_of({1, 2, 3}, 2, 2), uflow::Error);
  CHECK_THROWS_AS(tree_of({1, std::nan(""), 3, 4}, 2, 2), uflow::Error);
}
