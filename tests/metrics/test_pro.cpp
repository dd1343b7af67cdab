// Connected components and AUPRO: hand-checked cases, the MVTec AD definition computed
// threshold by threshold in Python (tools/reference/metrics_reference.py), errors, speed.
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "metric_cases.h"
#include "metrics/connected_components.h"
#include "metrics/pro.h"
#include "reference_values.h"
#include "tensor/error.h"

namespace m = uflow::metrics;
namespace ref = uflow::metrics::reference;

TEST_CASE("label_components_8: diagonal neighbours join, raster-order labels") {
  // 1 . . 1
  // . 1 . 1
  // . . . .
  // 1 1 . 1
  const std::vector<uint8_t> mask = {1, 0, 0, 1, 0, 1, 0, 1, 0, 0, 0, 0, 1, 1, 0, 1};
  std::vector<uint32_t> labels(16);
  CHECK(m::label_components_8(mask, 4, 4, labels, 5) == 4);
  CHECK(labels == std::vector<uint32_t>{5, 0, 0, 6, 0, 5, 0, 6, 0, 0, 0, 0, 7, 7, 0, 8});
  const std::vector<uint8_t> empty(16, 0);
  CHECK(m::label_components_8(empty, 4, 4, labels) == 0);
  CHECK_THROWS_AS(m::label_components_8(mask, 4, 3, labels), uflow::Error);
}

TEST_CASE("label_components_8 counts the fixture regions as scipy.ndimage.label does") {
  for (const auto& c : {m::test::ties_case(), m::test::continuous_case()}) {
    const auto& expected =
        c.shape.images == 4 ? ref::k_ties_regions_per_image : ref::k_continuous_regions_per_image;
    const size_t ppi = c.shape.pixels_per_image();
    std::vector<uint32_t> labels(ppi);
    for (size_t i = 0; i < c.shape.images; ++i)
      CHECK(m::label_components_8(std::span(c.masks).subspan(i * ppi, ppi), c.shape.height,
                                  c.shape.width, labels) == static_cast<uint32_t>(expected[i]));
  }
}

TEST_CASE("aupro: hand-checked tiny cases") {
  const m::StackShape shape{1, 2, 2};
  const std::vector<uint8_t> mask = {1, 0, 0, 0};
  // Region first: (0,0) → (0,1) → (1,1); the area up to 0.3 is 0.3 → 1.
  CHECK(m::aupro(std::vector<float>{1, 0, 0, 0}, mask, shape) == doctest::Approx(1.0));
  // Region last: (0,0) → (1,0) → (1,1) → 0.
  CHECK(m::aupro(std::vector<float>{0, 1, 1, 1}, mask, shape) == 0.0);
  // All tied: one segment (0,0) → (1,1); PRO(0.3) = 0.3, area 0.045, normalised 0.15.
  CHECK(m::aupro(std::vector<float>{2, 2, 2, 2}, mask, shape) == doctest::Approx(0.15));
  const m::Curve c = m::pro_curve(std::vector<float>{2, 2, 2, 2}, mask, shape);
  REQUIRE(c.size() == 2);
  CHECK(c.x[1] == doctest::Approx(0.3));
  CHECK(c.y[1] == doctest::Approx(0.3));
  CHECK(std::isnan(c.thresholds[1]));

  // Two regions of sizes 1 and 3 (image 1 row 0), one normal pixel scored above them all, the
  // 1-pixel region next: after 1.0 (fpr 1/4, pro 0), after 0.9 (1/4, 1/2), then 0.5 (1, 1).
  // Area up to 0.3: segment (1/4, 1/2) → (1, 1) at 0.3 gives pro 1/2 + (0.05/0.75)·(1/2), so
  // [0.05·(0.5 + 0.5333…)/2] / 0.3 = 0.0861111….
  const m::StackShape two{2, 1, 4};
  const std::vector<uint8_t> masks2 = {1, 0, 0, 0, 1, 1, 1, 0};
  const std::vector<float> scores2 = {0.9f, 1.0f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f};
  CHECK(m::aupro(scores2, masks2, two) == doctest::Approx(0.05 * (0.5 + 0.5 + 0.5 / 15) / 2 / 0.3));
}

TEST_CASE("aupro: no anomalous or no normal pixel, bad limit, NaN, sizes throw") {
  const m::StackShape shape{2, 2, 2};
  const std::vector<float> s = {1, 2, 3, 4, 5, 6, 7, 8};
  CHECK_THROWS_AS(m::aupro(s, std::vector<uint8_t>(8, 0), shape), uflow::Error);
  CHECK_THROWS_AS(m::aupro(s, std::vector<uint8_t>(8, 1), shape), uflow::Error);
  const std::vector<uint8_t> mask = {1, 0, 0, 0, 0, 0, 0, 0};
  CHECK_THROWS_AS(m::aupro(s, mask, shape, 0.0), uflow::Error);
  CHECK_THROWS_AS(m::aupro(s, mask, shape, 1.5), uflow::Error);
  CHECK_THROWS_AS(m::aupro(s, mask, m::StackShape{1, 2, 2}), uflow::Error);
  std::vector<float> with_nan = s;
  with_nan[3] = NAN;
  CHECK_THROWS_AS(m::aupro(with_nan, mask, shape), uflow::Error);
}

TEST_CASE("aupro matches the plain per-threshold reference on fixtures") {
  const auto ties = m::test::ties_case();
  const auto cont = m::test::continuous_case();
  constexpr double tol = 1e-12;
  CHECK(m::aupro(ties.scores, ties.masks, ties.shape) ==
        doctest::Approx(ref::k_ties_aupro_03).epsilon(tol));  // the default limit, 0.3
  CHECK(m::aupro(cont.scores, cont.masks, cont.shape) ==
        doctest::Approx(ref::k_continuous_aupro_03).epsilon(tol));
  const struct {
    const m::test::Case& c;
    double max_fpr, expected;
  } rows[] = {{ties, 0.3, ref::k_ties_aupro_03},      {ties, 1.0, ref::k_ties_aupro_1},
              {ties, 0.05, ref::k_ties_aupro_005},    {cont, 0.3, ref::k_continuous_aupro_03},
              {cont, 1.0, ref::k_continuous_aupro_1}, {cont, 0.05, ref::k_continuous_aupro_005}};
  for (const auto& r : rows) {
    INFO("max FPR ", r.max_fpr, ", expected ", r.expected);
    CHECK(m::aupro(r.c.scores, r.c.masks, r.c.shape, r.max_fpr) ==
          doctest::Approx(r.expected).epsilon(tol));
  }

  // The curve: every reference point with fpr <= 0.3, then the interpolated end at 0.3.
  const m::Curve c = m::pro_curve(ties.scores, ties.masks, ties.shape);
  const auto& fx = ref::k_ties_pro_fpr_upto_03;
  const auto& fy = ref::k_ties_pro_overlap_upto_03;
  REQUIRE(c.size() == fx.size() + 1);
  for (size_t i = 0; i < fx.size(); ++i) {
    INFO("point ", i);
    CHECK(c.x[i] == doctest::Approx(fx[i]).epsilon(tol));
    CHECK(c.y[i] == doctest::Approx(fy[i]).epsilon(tol));
  }
  CHECK(c.x.back() == 0.3);
}

TEST_CASE("aupro over 100 images of 256x256 is fast") {
  // Rectangular defects in half the images; scores raised inside them.
  constexpr size_t images = 100, side = 256;
  const m::StackShape shape{images, side, side};
  std::vector<float> scores(shape.pixels());
  std::vector<uint8_t> masks(shape.pixels(), 0);
  for (size_t i = 0; i < shape.pixels(); ++i) {
    const size_t image = i / (side * side), y = i / side % side, x = i % side;
    const size_t y0 = 20 + image % 7 * 25, x0 = 30 + image % 5 * 30;
    masks[i] = image % 2 == 1 && y >= y0 && y < y0 + 40 && x >= x0 && x < x0 + 25;
    scores[i] =
        static_cast<float>(m::test::hash32(static_cast<uint32_t>(i), 5) >> 8) / 16777216.0f +
        (masks[i] ? 0.5f : 0.0f);
  }
  const double a = m::aupro(scores, masks, shape);
  // Region scores are uniform on [0.5, 1.5), normal ones on [0, 1): at FPR f the threshold is
  // 1 − f and each region's overlap is 0.5 + f, so the normalised area is 0.5 + 0.3/2 = 0.65.
  CHECK(a == doctest::Approx(0.65).epsilon(0.01));
}
