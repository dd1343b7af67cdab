// Union-find construction (Berger et al., ICIP 2007): pixels are visited from the highest level
// down; each visited pixel becomes the parent of the roots of its already visited neighbours'
// sets. A final pass in ascending order points every pixel at the canonical pixel of its
// component (the first of its level in the order).
#include "contrario/component_tree.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "tensor/error.h"

namespace uflow::contrario {
namespace {

int32_t find_root(std::vector<int32_t>& zpar, int32_t p) {
  while (zpar[p] != p) {
    zpar[p] = zpar[zpar[p]];  // path halving
    p = zpar[p];
  }
  return p;
}

}  // namespace

ComponentTree build_component_tree(std::span<const double> level, std::span<const double> values,
                                   int64_t h, int64_t w) {
  const int64_t n = h * w;
  UFLOW_CHECK(h > 0 && w > 0, "build_component_tree: empty map ", h, "x", w);
  UFLOW_CHECK(static_cast<int64_t>(level.size()) == n && static_cast<int64_t>(values.size()) == n,
              "build_component_tree: ", level.size(), " levels and ", values.size(),
              " values for a ", h, "x", w, " map");
  UFLOW_CHECK(n < (int64_t{1} << 31), "build_component_tree: map too large");

  for (int64_t i = 0; i < n; ++i)
    UFLOW_CHECK(!std::isnan(level[i]), "build_component_tree: NaN level at pixel ", i);
  std::vector<int32_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](int32_t a, int32_t b) {
    return level[a] < level[b] || (level[a] == level[b] && a < b);
  });

  std::vector<int32_t> par(n, -1), zpar(n, -1);
  const int32_t wi = static_cast<int32_t>(w);
  for (int64_t i = n - 1; i >= 0; --i) {
    const int32_t p = order[i];
    par[p] = p;
    zpar[p] = p;
    const int32_t y = p / wi, x = p % wi;
    const int32_t nb[4] = {y > 0 ? p - wi : -1, x > 0 ? p - 1 : -1, x + 1 < wi ? p + 1 : -1,
                           y + 1 < h ? p + wi : -1};
    for (const int32_t q : nb) {
      if (q < 0 || par[q] < 0) continue;  // outside, or not visited yet (lower level)
      const int32_t r = find_root(zpar, q);
      if (r != p) {
        zpar[r] = p;
        par[r] = p;
      }
    }
  }
  // Canonicalise in ascending order: a pixel whose parent shares the grandparent's level is
  // re-pointed at the grandparent, so all pixels of a flat component point at one pixel.
  for (const int32_t p : order) {
    const int32_t q = par[p];
    if (level[q] == level[par[q]]) par[p] = par[q];
  }

  ComponentTree t;
  t.node_of_pixel.assign(n, -1);
  for (const int32_t p : order) {
    const bool canonical = par[p] == p || level[par[p]] != level[p];
    if (!canonical) continue;
    const int32_t id = static_cast<int32_t>(t.parent.size());
    t.node_of_pixel[p] = id;
    t.parent.push_back(par[p] == p ? -1 : t.node_of_pixel[par[p]]);
  }
  const int32_t nodes = t.num_nodes();
  t.region_size.assign(nodes, 0);
  t.region_min.assign(nodes, std::numeric_limits<double>::infinity());
  for (int32_t p = 0; p < n; ++p) {
    if (t.node_of_pixel[p] < 0) t.node_of_pixel[p] = t.node_of_pixel[par[p]];
    const int32_t id = t.node_of_pixel[p];
    t.region_size[id] += 1;
    t.region_min[id] = std::min(t.region_min[id], values[p]);
  }
  for (int32_t id = nodes - 1; id > 0; --id) {
    const int32_t up = t.parent[id];
    t.region_size[up] += t.region_size[id];
    t.region_min[up] = std::min(t.region_min[up], t.region_min[id]);
  }
  return t;
}

}  // namespace uflow::contrario
