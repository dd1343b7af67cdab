#include "contrario/tree_log_prob.h"

#include <algorithm>
#include <limits>
#include <vector>

#include "contrario/component_tree.h"
#include "contrario/tree_simplify.h"
#include "tensor/error.h"

namespace uflow::contrario {
namespace {

// torch.nan_to_num of a float: NaN -> 0, ±inf -> the largest finite float of that sign.
float to_finite_float(double v) {
  if (std::isnan(v)) return 0.0f;
  const double lim = std::numeric_limits<float>::max();
  return static_cast<float>(std::clamp(v, -lim, lim));
}

}  // namespace

void sum_of_squares(const float* z, int64_t channels, int64_t hw, double* sum_sq) {
  std::fill(sum_sq, sum_sq + hw, 0.0);
  for (int64_t c = 0; c < channels; ++c) {
    const float* zc = z + c * hw;
    for (int64_t p = 0; p < hw; ++p) {
      const double v = zc[p];
      sum_sq[p] += v * v;  // the product of two floats is exact in double
    }
  }
}

void tree_log_prob_map(std::span<const double> sum_sq, int64_t h, int64_t w, int64_t channels,
                       bool guard, std::span<float> out) {
  UFLOW_CHECK(channels > 0, "tree_log_prob_map: ", channels, " channels");
  UFLOW_CHECK(static_cast<int64_t>(out.size()) == h * w, "tree_log_prob_map: output has ",
              out.size(), " elements for a ", h, "x", w, " map");
  const ComponentTree tree = build_component_tree(sum_sq, sum_sq, h, w);
  const int32_t nodes = tree.num_nodes();
  std::vector<double> log_prob(nodes);
  for (int32_t n = 0; n < nodes; ++n) {
    const double t = tree.region_min[n] / static_cast<double>(channels);
    log_prob[n] =
        static_cast<double>(tree.region_size[n]) * chernoff_log10_prob(t, channels, guard);
  }
  const std::vector<uint8_t> final_leaf = simplify_tree(tree.parent, log_prob);

  // Final regions are disjoint subtrees: label each node with the final leaf above it (parents
  // precede children, so one ascending pass suffices).
  std::vector<int32_t> region(nodes, -1);
  for (int32_t n = 0; n < nodes; ++n) {
    if (final_leaf[n])
      region[n] = n;
    else if (tree.parent[n] >= 0)
      region[n] = region[tree.parent[n]];
  }
  std::vector<float> value(nodes, 0.0f);
  for (int32_t n = 0; n < nodes; ++n)
    if (region[n] >= 0) value[n] = to_finite_float(log_prob[region[n]]);
  for (int64_t p = 0; p < h * w; ++p) out[p] = value[tree.node_of_pixel[p]];
}

}  // namespace uflow::contrario
