// Evaluation of a test set with image labels only: image AUROC as usual, every pixel metric
// n/a (never a number computed against all-zero masks), and metrics.csv, which keeps "n/a",
// read back for merging.
#include "apps/commands/evaluation.h"
#include "tensor/ops.h"
#include "test_util.h"

using namespace uflow;

namespace {

app::Prediction prediction(double score, bool anomalous, bool with_mask) {
  app::Prediction p;
  p.sample.image = "x.png";
  p.sample.anomalous = anomalous;
  p.sample.defect = anomalous ? "crack" : "good";
  if (anomalous && with_mask) p.sample.mask = "x_mask.png";
  p.anomaly_map = kernels::full({4, 4}, score);
  p.neg_log_nfa = kernels::full({4, 4}, anomalous ? 1.0 : -1.0);
  p.ground_truth = kernels::full({4, 4}, anomalous && with_mask ? 1.0 : 0.0);
  p.score = score;
  return p;
}

}  // namespace

TEST_CASE("without masks: image AUROC, pixel metrics n/a") {
  // Anomalous 0.3 and 0.9 against normal 0.1 and 0.4: 3 of the 4 pairs ordered, AUROC 0.75.
  const std::vector<app::Prediction> preds = {
      prediction(0.1, false, false), prediction(0.4, false, false), prediction(0.3, true, false),
      prediction(0.9, true, false)};
  const app::EvalResult r = app::evaluate(preds);
  REQUIRE(r.image_auroc);
  CHECK(*r.image_auroc == doctest::Approx(0.75));
  CHECK_FALSE(r.pixel_auroc);
  CHECK_FALSE(r.aupro);
  CHECK_FALSE(r.miou_nfa);
  CHECK_FALSE(r.miou_oracle);
  REQUIRE(!r.notes.empty());
  CHECK(r.notes.back().find("pixel metrics n/a") != std::string::npos);
  const std::string json = app::eval_json("cells", r);
  CHECK(json.find("\"pixel_auroc\": null") != std::string::npos);
  CHECK(json.find("\"miou_nfa0\": null") != std::string::npos);

  // The same predictions with masks get pixel metrics (here a perfect separation).
  const std::vector<app::Prediction> masked = {prediction(0.1, false, true),
                                               prediction(0.9, true, true)};
  const app::EvalResult m = app::evaluate(masked);
  REQUIRE(m.pixel_auroc);
  CHECK(*m.pixel_auroc == doctest::Approx(1.0));
  REQUIRE(m.miou_nfa);
  CHECK(*m.miou_nfa == doctest::Approx(1.0));
}

TEST_CASE("metrics.csv round trip keeps n/a, and bad files are named") {
  const test::ScratchDir dir("metrics-csv");
  app::EvalResult a;
  a.images = 10;
  a.anomalous = 4;
  a.image_auroc = 0.875;
  app::EvalResult b = a;
  b.pixel_auroc = 0.5;
  b.aupro = 0.25;
  b.miou_nfa = 0.125;
  b.miou_oracle = 0.5;
  b.oracle_threshold = -2.5;
  const std::string path = dir.file("metrics.csv");
  test::write_text(path, app::metrics_csv({{"cells", a}, {"odd, \"name\"", b}}));
  const auto rows = app::read_metrics_csv(path);
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].first == "cells");
  CHECK(rows[0].second.images == 10);
  CHECK(rows[0].second.anomalous == 4);
  CHECK(*rows[0].second.image_auroc == 0.875);
  CHECK_FALSE(rows[0].second.pixel_auroc);
  CHECK_FALSE(rows[0].second.miou_oracle);
  CHECK(rows[1].first == "odd, \"name\"");
  CHECK(*rows[1].second.aupro == 0.25);
  CHECK(*rows[1].second.oracle_threshold == -2.5);

  test::write_text(path, "category,images\n");
  CHECK(test::error_of([&] { app::read_metrics_csv(path); }).find("not a uflow metrics.csv") !=
        std::string::npos);
  test::write_text(path, app::metrics_csv({{"cells", a}}) + "\"x\",1,0,zero,n/a,n/a,n/a,n/a,n/a\n");
  CHECK(test::error_of([&] {
          app::read_metrics_csv(path);
        }).find("row 3: 'zero' is neither a number nor n/a") != std::string::npos);
}
