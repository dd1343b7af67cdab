#include "metrics/pro.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "metrics/connected_components.h"
#include "metrics/score_sort.h"
#include "tensor/error.h"

namespace uflow::metrics {

Curve pro_curve(std::span<const float> scores, std::span<const uint8_t> masks, StackShape shape,
                double fpr_limit) {
  const size_t n = shape.pixels();
  UFLOW_CHECK(scores.size() == n && masks.size() == n, "AUPRO: ", scores.size(), " scores and ",
              masks.size(), " mask pixels for ", shape.images, " images of ", shape.height, "x",
              shape.width);
  UFLOW_CHECK(fpr_limit > 0 && fpr_limit <= 1, "AUPRO: FPR limit must be in (0, 1], got ",
              fpr_limit);
  check_no_nan(scores, "AUPRO");

  // Region ids run over the whole stack (0 = normal pixel), so one sort serves every region.
  const size_t ppi = shape.pixels_per_image();
  std::vector<uint32_t> labels(n);
  uint32_t regions = 0;
  for (size_t i = 0; i < shape.images; ++i)
    regions += label_components_8(masks.subspan(i * ppi, ppi), shape.height, shape.width,
                                  std::span(labels).subspan(i * ppi, ppi), regions + 1);
  UFLOW_CHECK(regions > 0, "AUPRO is undefined without anomalous ground-truth pixels");

  std::vector<double> region_size(regions + 1, 0);
  for (const uint32_t l : labels) region_size[l] += 1;
  const double normal_pixels = region_size[0];
  UFLOW_CHECK(normal_pixels > 0, "AUPRO is undefined without normal ground-truth pixels");
  // What one pixel adds to the region sum when it turns positive.
  std::vector<double> weight(regions + 1);
  for (uint32_t r = 1; r <= regions; ++r) weight[r] = 1.0 / region_size[r];

  std::vector<uint64_t> items(n);
  for (size_t i = 0; i < n; ++i) items[i] = pack_score(scores[i], labels[i]);
  labels = {};
  sort_by_score(items);

  Curve c;
  c.push(0, 0, std::numeric_limits<double>::infinity());
  // Adds the segment from the last point towards (x, y); false once the limit is reached.
  const auto extend = [&](double x, double y, double threshold) {
    const double x0 = c.x.back(), y0 = c.y.back();
    if (x <= fpr_limit) {
      c.push(x, y, threshold);
      return true;
    }
    if (x0 < fpr_limit)
      c.push(fpr_limit, y0 + (y - y0) * (fpr_limit - x0) / (x - x0),
             std::numeric_limits<double>::quiet_NaN());
    return false;
  };

  uint64_t false_positives = 0;
  double overlap_sum = 0;
  bool open = true;
  for_each_tie_group_descending(items, [&](std::span<const uint64_t> group, float score) {
    for (const uint64_t item : group) {
      const uint32_t region = packed_payload(item);
      if (region == 0)
        ++false_positives;
      else
        overlap_sum += weight[region];
    }
    // Running sums can overshoot 1 by rounding; the curve must stay in the unit square.
    open = extend(std::min(false_positives / normal_pixels, 1.0),
                  std::min(overlap_sum / regions, 1.0), score);
    return open;
  });
  // The reference closes the curve at exactly (1, 1); it matters only for fpr_limit = 1.
  if (open) extend(1.0, 1.0, -std::numeric_limits<double>::infinity());
  return c;
}

double aupro(std::span<const float> scores, std::span<const uint8_t> masks, StackShape shape,
             double fpr_limit) {
  return trapezoid_area(pro_curve(scores, masks, shape, fpr_limit)) / fpr_limit;
}

}  // namespace uflow::metrics
