// The max-tree (component tree of upper level sets) of a 2-d map with 4-connectivity.
// A node is a connected component of {level >= λ} holding at least one pixel at exactly λ;
// neighbouring pixels of equal level always share a node (equal levels are merged). The tree is
// unique; only node numbering depends on the construction order, which is fixed here: nodes are
// numbered by (level, first pixel index) ascending, so a parent always precedes its children.
#pragma once
#include <cstdint>
#include <span>
#include <vector>

namespace uflow::contrario {

struct ComponentTree {
  std::vector<int32_t> node_of_pixel;  // the node whose level equals the pixel's level
  std::vector<int32_t> parent;         // parent node, -1 for the root; parent[n] < n
  std::vector<int32_t> region_size;    // pixels of the node and all its descendants
  std::vector<double> region_min;      // min of `values` over the same pixels
  int32_t num_nodes() const { return static_cast<int32_t>(parent.size()); }
};

// level and values are (h, w) row-major; the tree is built on level, region_min reads values.
ComponentTree build_component_tree(std::span<const double> level, std::span<const double> values,
                                   int64_t h, int64_t w);

}  // namespace uflow::contrario
