// AUROC and ROC curve: hand-checked tiny cases, scikit-learn on fixtures with ties, and the
// speed of a full MVTec-size pixel AUROC.
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "metric_cases.h"
#include "metrics/roc.h"
#include "reference_values.h"
#include "tensor/error.h"

namespace m = uflow::metrics;
namespace ref = uflow::metrics::reference;

namespace {

void check_curve(const m::Curve& c, const std::vector<double>& fpr, const std::vector<double>& tpr,
                 const std::vector<double>& thresholds) {
  REQUIRE(c.size() == fpr.size());
  for (size_t i = 0; i < c.size(); ++i) {
    INFO("point ", i);
    CHECK(c.x[i] == doctest::Approx(fpr[i]).epsilon(1e-12));
    CHECK(c.y[i] == doctest::Approx(tpr[i]).epsilon(1e-12));
    CHECK(c.thresholds[i] == thresholds[i]);
  }
}

}  // namespace

TEST_CASE("auroc: hand-checked tiny cases") {
  // Perfect separation, reversed ranking, and all scores tied (every pair counts 1/2).
  CHECK(m::auroc(std::vector<float>{0.1f, 0.2f, 0.8f, 0.9f}, std::vector<uint8_t>{0, 0, 1, 1}) ==
        1.0);
  CHECK(m::auroc(std::vector<float>{0.9f, 0.8f, 0.2f, 0.1f}, std::vector<uint8_t>{0, 0, 1, 1}) ==
        0.0);
  CHECK(m::auroc(std::vector<float>{3, 3, 3, 3, 3}, std::vector<uint8_t>{0, 1, 0, 1, 1}) == 0.5);
  // Pairs (pos, neg): (0.35, 0.1) 1, (0.35, 0.4) 0, (0.8, 0.1) 1, (0.8, 0.4) 1 → 3/4.
  CHECK(m::auroc(std::vector<float>{0.1f, 0.4f, 0.35f, 0.8f}, std::vector<uint8_t>{0, 0, 1, 1}) ==
        0.75);
  // Ties across classes: pos 1 vs neg 1 tied (1/2), pos 2 vs neg 1 (1) → 3/4.
  CHECK(m::auroc(std::vector<float>{1, 1, 2}, std::vector<uint8_t>{0, 1, 1}) == 0.75);
  // -0 and +0 are one tie group: (pos -0 vs neg +0) 1/2, (pos 1 vs neg +0) 1 → 3/4.
  CHECK(m::auroc(std::vector<float>{0.0f, -0.0f, 1.0f}, std::vector<uint8_t>{0, 1, 1}) == 0.75);
  // Any non-zero label is positive; infinities rank like any other score.
  CHECK(m::auroc(std::vector<float>{-INFINITY, 0, INFINITY}, std::vector<uint8_t>{0, 255, 7}) ==
        1.0);
}

TEST_CASE("auroc: single class, empty, NaN and size mismatch throw") {
  CHECK_THROWS_AS(m::auroc(std::vector<float>{0.1f, 0.2f}, std::vector<uint8_t>{0, 0}),
                  uflow::Error);
  CHECK_THROWS_AS(m::auroc(std::vector<float>{0.1f, 0.2f}, std::vector<uint8_t>{1, 1}),
                  uflow::Error);
  CHECK_THROWS_AS(m::auroc(std::vector<float>{}, std::vector<uint8_t>{}), uflow::Error);
  CHECK_THROWS_AS(m::auroc(std::vector<float>{0.1f, NAN}, std::vector<uint8_t>{0, 1}),
                  uflow::Error);
  CHECK_THROWS_AS(m::auroc(std::vector<float>{0.1f, 0.2f}, std::vector<uint8_t>{0, 1, 1}),
                  uflow::Error);
  CHECK_THROWS_AS(m::roc_curve(std::vector<float>{0.1f, 0.2f}, std::vector<uint8_t>{1, 1}),
                  uflow::Error);
}

TEST_CASE("roc_curve: tiny case") {
  // The scikit-learn roc_curve documentation example (its output with drop_intermediate=False).
  const m::Curve c = m::roc_curve(std::vector<float>{0.1f, 0.4f, 0.35f, 0.8f},
                                  std::vector<uint8_t>{0, 0, 1, 1}, false);
  check_curve(c, {0, 0, 0.5, 0.5, 1}, {0, 0.5, 0.5, 1, 1}, {INFINITY, 0.8f, 0.4f, 0.35f, 0.1f});
  CHECK(m::trapezoid_area(c) == 0.75);
}

TEST_CASE("auroc and roc_curve match scikit-learn on fixtures with ties") {
  const auto ties = m::test::ties_case();
  const auto cont = m::test::continuous_case();
  CHECK(m::auroc(ties.scores, ties.masks) == doctest::Approx(ref::k_ties_auroc).epsilon(1e-13));
  CHECK(m::auroc(cont.scores, cont.masks) ==
        doctest::Approx(ref::k_continuous_auroc).epsilon(1e-13));

  check_curve(m::roc_curve(ties.scores, ties.masks, false), ref::k_ties_roc_all_fpr,
              ref::k_ties_roc_all_tpr, ref::k_ties_roc_all_thresholds);
  const m::Curve dropped = m::roc_curve(ties.scores, ties.masks, true);
  check_curve(dropped, ref::k_ties_roc_dropped_fpr, ref::k_ties_roc_dropped_tpr,
              ref::k_ties_roc_dropped_thresholds);
  // Dropping collinear points leaves the area unchanged.
  CHECK(m::trapezoid_area(dropped) == doctest::Approx(ref::k_ties_auroc).epsilon(1e-13));
  CHECK(m::trapezoid_area(m::roc_curve(cont.scores, cont.masks)) ==
        doctest::Approx(ref::k_continuous_auroc).epsilon(1e-13));

  // Image AUROC: the image score is the max of its map.
  for (const auto* c : {&ties, &cont}) {
    std::vector<float> image_scores;
    std::vector<uint8_t> image_labels;
    const size_t ppi = c->shape.pixels_per_image();
    for (size_t i = 0; i < c->shape.images; ++i) {
      float mx = -INFINITY;
      uint8_t anomalous = 0;
      for (size_t p = i * ppi; p < (i + 1) * ppi; ++p) {
        mx = std::max(mx, c->scores[p]);
        anomalous |= c->masks[p];
      }
      image_scores.push_back(mx);
      image_labels.push_back(anomalous);
    }
    const double expected = c == &ties ? ref::k_ties_image_auroc : ref::k_continuous_image_auroc;
    CHECK(m::auroc(image_scores, image_labels) == expected);
  }
}

TEST_CASE("thin_curve keeps the ends and at most max_points") {
  const auto ties = m::test::ties_case();
  const m::Curve full = m::roc_curve(ties.scores, ties.masks, false);
  const m::Curve thin = m::thin_curve(full, 5);
  REQUIRE(thin.size() == 5);
  CHECK(thin.x.front() == full.x.front());
  CHECK(thin.y.back() == full.y.back());
  for (size_t i = 1; i < thin.size(); ++i) CHECK(thin.x[i] >= thin.x[i - 1]);
  CHECK(m::thin_curve(full, 1000).size() == full.size());
  CHECK_THROWS_AS(m::thin_curve(full, 1), uflow::Error);
}

TEST_CASE("pixel auroc over 100 images of 256x256 is fast and exact") {
  // 4096 score levels, so a histogram gives the exact answer independently of any sorting.
  constexpr size_t n = 100 * 256 * 256;
  constexpr uint32_t levels = 4096;
  std::vector<float> scores(n);
  std::vector<uint8_t> labels(n);
  std::vector<uint64_t> pos(levels + 512, 0), neg(levels + 512, 0);
  for (size_t i = 0; i < n; ++i) {
    const uint32_t h = m::test::hash32(static_cast<uint32_t>(i), 3);
    labels[i] = (h >> 24) < 8;  // ~3% anomalous
    const uint32_t level = h % levels + (labels[i] ? 400 : 0);
    scores[i] = static_cast<float>(level) / levels;
    (labels[i] ? pos : neg)[level]++;
  }
  long double pairs = 0, pos_above = 0, p_total = 0, n_total = 0;
  for (size_t l = pos.size(); l-- > 0;) {
    pairs += neg[l] * (pos_above + pos[l] / 2.0L);
    pos_above += pos[l];
    p_total += pos[l];
    n_total += neg[l];
  }
  const double expected = static_cast<double>(pairs / (p_total * n_total));

  const double a = m::auroc(scores, labels);
  CHECK(a == doctest::Approx(expected).epsilon(1e-14));
}
