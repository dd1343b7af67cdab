// mIoU conventions of the U-Flow evaluation (docs/evaluation.md §4): per-image IoU with the
// float64 epsilon, mean over all images, strict score > threshold; grid sweep and exact oracle
// against plain NumPy (tools/reference/metrics_reference.py).
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "metric_cases.h"
#include "metrics/iou.h"
#include "reference_values.h"
#include "tensor/error.h"

namespace m = uflow::metrics;
namespace ref = uflow::metrics::reference;

TEST_CASE("miou: per-image conventions") {
  constexpr double eps = m::kIouEpsilon;
  CHECK(eps == 0x1p-52);
  // Good image, nothing detected: (0 + ε)/(0 + ε) = 1.
  CHECK(m::miou(std::vector<uint8_t>{0, 0, 0, 0}, std::vector<uint8_t>{0, 0, 0, 0}, 4) == 1.0);
  // Good image with one false detection: ε/(1 + ε).
  CHECK(m::miou(std::vector<uint8_t>{0, 1, 0, 0}, std::vector<uint8_t>{0, 0, 0, 0}, 4) ==
        eps / (1 + eps));
  // Anomalous image, nothing detected: ε/(2 + ε).
  CHECK(m::miou(std::vector<uint8_t>{0, 0, 0, 0}, std::vector<uint8_t>{1, 1, 0, 0}, 4) ==
        eps / (2 + eps));
  // Overlap 1 of union 3.
  CHECK(m::miou(std::vector<uint8_t>{0, 1, 1, 0}, std::vector<uint8_t>{1, 1, 0, 0}, 4) ==
        (1 + eps) / (3 + eps));
  // Mean over ALL images: a perfect anomalous image, a clean good image and a missed defect.
  CHECK(m::miou(std::vector<uint8_t>{1, 1, 0, 0, 0, 0, 0, 0, 0},
                std::vector<uint8_t>{1, 1, 0, 0, 0, 0, 0, 1, 0},
                3) == (1.0 + 1.0 + eps / (1 + eps)) / 3);
}

TEST_CASE("miou_at_threshold detects score > threshold (strict)") {
  const std::vector<float> scores = {0.0f, 0.5f, 1.0f, 2.0f};
  const std::vector<uint8_t> masks = {0, 0, 1, 1};
  // At 0.5: detected {1.0, 2.0} = gt → 1. At 0: {0.5, 1, 2} → 2/3. "log NFA = 0" with
  // −log10 NFA scores: 0 itself is not a detection.
  CHECK(m::miou_at_threshold(scores, masks, 4, 0.5) == 1.0);
  CHECK(m::miou_at_threshold(scores, masks, 4, 0.0) == doctest::Approx(2.0 / 3));
  CHECK(m::miou_at_threshold(scores, masks, 2, 10.0) ==
        doctest::Approx((1.0 + m::kIouEpsilon / (2 + m::kIouEpsilon)) / 2));
}

TEST_CASE("miou: size errors throw") {
  CHECK_THROWS_AS(m::miou(std::vector<uint8_t>{0, 1}, std::vector<uint8_t>{0, 1, 0}, 1),
                  uflow::Error);
  CHECK_THROWS_AS(m::miou(std::vector<uint8_t>{0, 1, 0}, std::vector<uint8_t>{0, 1, 0}, 2),
                  uflow::Error);
  CHECK_THROWS_AS(m::miou(std::vector<uint8_t>{}, std::vector<uint8_t>{}, 4), uflow::Error);
  CHECK_THROWS_AS(m::miou(std::vector<uint8_t>{0}, std::vector<uint8_t>{0}, 0), uflow::Error);
  const std::vector<float> s = {0, 1};
  const std::vector<uint8_t> g = {0, 1};
  CHECK_THROWS_AS(m::miou_sweep(s, g, 2, std::vector<double>{1, 1}), uflow::Error);
  CHECK_THROWS_AS(m::miou_sweep(s, g, 2, std::vector<double>{}), uflow::Error);
  CHECK_THROWS_AS(m::miou_oracle(std::vector<float>{0, NAN}, g, 2), uflow::Error);
}

TEST_CASE("miou_sweep and miou_at_threshold match NumPy on the fixtures") {
  for (const auto& c : {m::test::ties_case(), m::test::continuous_case()}) {
    const bool ties = c.shape.images == 4;
    const auto& grid = ties ? ref::k_ties_miou_grid : ref::k_continuous_miou_grid;
    const auto& expected = ties ? ref::k_ties_miou_on_grid : ref::k_continuous_miou_on_grid;
    const size_t ppi = c.shape.pixels_per_image();
    const m::MiouSweep sweep = m::miou_sweep(c.scores, c.masks, ppi, grid);
    REQUIRE(sweep.miou.size() == grid.size());
    size_t best = grid.size() - 1;
    for (size_t j = 0; j < grid.size(); ++j) {
      INFO("threshold ", grid[j]);
      CHECK(sweep.miou[j] == doctest::Approx(expected[j]).epsilon(1e-13));
      CHECK(m::miou_at_threshold(c.scores, c.masks, ppi, grid[j]) ==
            doctest::Approx(expected[j]).epsilon(1e-13));
    }
    for (size_t j = grid.size() - 1; j-- > 0;)
      if (expected[j] > expected[best] + 1e-12) best = j;
    CHECK(sweep.best == best);
  }
}

TEST_CASE("miou_oracle finds the best of all distinct thresholds") {
  for (const auto& c : {m::test::ties_case(), m::test::continuous_case()}) {
    const bool ties = c.shape.images == 4;
    const size_t ppi = c.shape.pixels_per_image();
    const m::MiouOracle o = m::miou_oracle(c.scores, c.masks, ppi);
    CHECK(o.miou == doctest::Approx(ties ? ref::k_ties_miou_oracle : ref::k_continuous_miou_oracle)
                        .epsilon(1e-13));
    // The threshold is a score and reproduces the value.
    CHECK(m::miou_at_threshold(c.scores, c.masks, ppi, o.threshold) == o.miou);
    CHECK(std::find(c.scores.begin(), c.scores.end(), static_cast<float>(o.threshold)) !=
          c.scores.end());
  }
  // Nothing detected is best when every image is good: the threshold is the top score.
  const m::MiouOracle none =
      m::miou_oracle(std::vector<float>{0.2f, 0.7f, 0.1f}, std::vector<uint8_t>{0, 0, 0}, 3);
  CHECK(none.miou == 1.0);
  CHECK(none.threshold == 0.7f);
  // Everything detected is best when the whole image is a defect: threshold below the lowest.
  const m::MiouOracle all =
      m::miou_oracle(std::vector<float>{0.2f, 0.7f, 0.1f}, std::vector<uint8_t>{1, 1, 1}, 3);
  CHECK(all.miou == 1.0);
  CHECK(all.threshold < 0.1f);
  CHECK(static_cast<float>(all.threshold) == std::nextafter(0.1f, -1.0f));
  // The authors' grid for −log10 NFA maps.
  const auto grid = m::reference_nfa_thresholds();
  CHECK(grid.size() == 1401);
  CHECK(grid.front() == -400);
  CHECK(grid.back() == 1000);
}
