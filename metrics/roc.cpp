#include "metrics/roc.h"

#include <limits>
#include <vector>

#include "metrics/score_sort.h"
#include "tensor/error.h"

namespace uflow::metrics {
namespace {

// Cumulative positive/negative counts after each tie group, scores in decreasing order.
struct GroupCounts {
  std::vector<uint64_t> tps, fps;
  std::vector<double> thresholds;
};

std::vector<uint64_t> sorted_items(std::span<const float> scores, std::span<const uint8_t> labels,
                                   const char* metric) {
  UFLOW_CHECK(scores.size() == labels.size(), metric, ": ", scores.size(), " scores but ",
              labels.size(), " labels");
  check_no_nan(scores, metric);
  std::vector<uint64_t> items(scores.size());
  uint64_t positives = 0;
  for (size_t i = 0; i < scores.size(); ++i) {
    const uint32_t positive = labels[i] != 0;
    positives += positive;
    items[i] = pack_score(scores[i], positive);
  }
  UFLOW_CHECK(positives > 0 && positives < scores.size(), metric,
              " is undefined with a single class (", positives, " positives among ", scores.size(),
              " samples)");
  sort_by_score(items);
  return items;
}

// Positives and negatives in one tie group (payload = label).
struct GroupSplit {
  uint64_t pos = 0, neg = 0;
};
GroupSplit split(std::span<const uint64_t> group) {
  GroupSplit g;
  for (const uint64_t item : group) g.pos += packed_payload(item);
  g.neg = group.size() - g.pos;
  return g;
}

}  // namespace

double auroc(std::span<const float> scores, std::span<const uint8_t> labels) {
  const std::vector<uint64_t> items = sorted_items(scores, labels, "AUROC");
  // Twice the Mann–Whitney count: each negative scores 2 per positive strictly above it and 1
  // per positive tied with it. Fits 64 bits up to ~3·10^9 samples.
  uint64_t pos_above = 0, neg_total = 0, twice_pairs = 0;
  for_each_tie_group_descending(items, [&](std::span<const uint64_t> group, float) {
    const GroupSplit g = split(group);
    twice_pairs += g.neg * (2 * pos_above + g.pos);
    pos_above += g.pos;
    neg_total += g.neg;
    return true;
  });
  return static_cast<double>(static_cast<long double>(twice_pairs) /
                             (2.0L * pos_above * neg_total));
}

Curve roc_curve(std::span<const float> scores, std::span<const uint8_t> labels,
                bool drop_intermediate) {
  const std::vector<uint64_t> items = sorted_items(scores, labels, "ROC curve");
  GroupCounts g;
  uint64_t tp = 0, fp = 0;
  for_each_tie_group_descending(items, [&](std::span<const uint64_t> group, float score) {
    const GroupSplit s = split(group);
    tp += s.pos;
    fp += s.neg;
    g.tps.push_back(tp);
    g.fps.push_back(fp);
    g.thresholds.push_back(score);
    return true;
  });

  Curve c;
  c.push(0, 0, std::numeric_limits<double>::infinity());
  const size_t n = g.tps.size();
  for (size_t i = 0; i < n; ++i) {
    if (drop_intermediate && n > 2 && i > 0 && i + 1 < n) {
      // A point is a corner when the second difference of either count is non-zero.
      const bool corner = g.fps[i + 1] - g.fps[i] != g.fps[i] - g.fps[i - 1] ||
                          g.tps[i + 1] - g.tps[i] != g.tps[i] - g.tps[i - 1];
      if (!corner) continue;
    }
    c.push(static_cast<double>(g.fps[i]) / fp, static_cast<double>(g.tps[i]) / tp, g.thresholds[i]);
  }
  return c;
}

}  // namespace uflow::metrics
