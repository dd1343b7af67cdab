// The precision study of `uflow bench precision` (apps/bench/bench_precision.h) end to end on
// the CPU, tiny: it trains once and predicts the test set once per precision. The reduced
// precisions act only on GPU GEMMs and convolutions, so on the CPU every difference from the
// fp32 baseline is zero and every metric is the same (no speed or accuracy is asserted).
#include "apps/bench/bench_precision.h"
#include "test_util.h"

using namespace uflow;

TEST_CASE("the precision study compares each precision with the first; on the CPU all agree") {
  test::ScratchDir dir("bench-precision");
  app::bench::PrecisionStudyOptions o;
  o.dir = dir.path().string();
  o.epochs = 1;
  o.train_images = 2;
  o.batch = 2;
  o.image_size = 64;
  o.test_good = 1;
  o.test_per_defect = 1;
  const std::vector<app::bench::PrecisionRow> rows = app::bench::run_precision_study(o);
  REQUIRE(rows.size() == 3);
  CHECK(rows[0].precision == cuda::Precision::fp32);
  CHECK(rows[2].precision == cuda::Precision::bf16);
  for (const app::bench::PrecisionRow& r : rows) {
    CAPTURE(cuda::to_string(r.precision));
    CHECK(r.metrics.images == 4);
    CHECK(r.mask_pixels == 4 * 256 * 256);
    CHECK(r.max_map_diff == 0);
    CHECK(r.max_score_diff == 0);
    CHECK(r.max_nfa_diff == 0);
    CHECK(r.mask_pixels_differ == 0);
    CHECK(r.metrics.pixel_auroc == rows[0].metrics.pixel_auroc);
    CHECK(r.metrics.miou_nfa == rows[0].metrics.miou_nfa);
  }
  CHECK(rows[0].metrics.pixel_auroc.has_value());
}
