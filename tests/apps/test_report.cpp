// The evaluation report as a reader sees it: every test image in the grid (or a stated
// sample), grouped by defect type; a colour bar with its unit over every map column; the NFA
// colours on a signed log scale that separates the threshold and does not saturate; an image
// score next to the map's max; a good-vs-defective histogram; labelled ROC axes. Also the names
// of the per-image PNGs.
#include <doctest/doctest.h>

#include <filesystem>

#include "apps/commands/eval_command.h"
#include "apps/commands/predict_command.h"
#include "apps/commands/visuals.h"
#include "imaging/image_io.h"
#include "tensor/ops.h"
#include "test_util.h"

using namespace uflow;
namespace fs = std::filesystem;

namespace {

constexpr int64_t kT = 16;

// A prediction for a plain grey image whose −log10 NFA is `background` everywhere except a
// 4×4 patch at `peak` (a detection when > 0) and whose anomaly map is 1 on that patch.
app::Prediction prediction(const test::ScratchDir& dir, const std::string& defect, int index,
                           double background, double peak) {
  app::Prediction p;
  p.sample.defect = defect;
  p.sample.name = defect + "/" + std::to_string(index);
  p.sample.anomalous = defect != "good";
  p.sample.image = dir.file(defect + std::to_string(index) + ".png");
  save_png(p.sample.image, kernels::full({3, kT, kT}, 0.5));
  std::vector<float> nfa(kT * kT, float(background)), amap(kT * kT, 0.2f), gt(kT * kT, 0.0f);
  for (int64_t y = 4; y < 8; ++y)
    for (int64_t x = 4; x < 8; ++x) {
      nfa[y * kT + x] = float(peak);
      amap[y * kT + x] = 1.0f;
      gt[y * kT + x] = p.sample.anomalous ? 1.0f : 0.0f;
    }
  p.neg_log_nfa = Tensor::from_floats(nfa, {kT, kT});
  p.anomaly_map = Tensor::from_floats(amap, {kT, kT});
  p.ground_truth = Tensor::from_floats(gt, {kT, kT});
  p.score = p.sample.anomalous ? 1.0 : 0.2;  // the map's max: saturated on every defect
  p.max_neg_log_nfa = std::max(background, peak);
  return p;
}

app::CategoryEval category(const test::ScratchDir& dir) {
  app::CategoryEval e;
  e.name = "tiles";
  for (int i = 0; i < 3; ++i) e.predictions.push_back(prediction(dir, "good", i, -3.0, -0.5));
  e.predictions.push_back(prediction(dir, "crack", 0, -3.0, 2730.8));
  e.predictions.push_back(prediction(dir, "crack", 1, -3.0, 12.0));
  e.predictions.push_back(prediction(dir, "stain", 0, -3.0, 150.0));
  e.predictions.push_back(prediction(dir, "stain", 1, -3.0, 1.5));
  e.result = app::evaluate(e.predictions);
  return e;
}

}  // namespace

TEST_CASE("NFA colours: the threshold is a visible edge and strong detections stay apart") {
  const app::NfaScale scale = app::nfa_scale_covering(-3.0, 2730.8);
  CHECK(scale.lo == -10.0);
  CHECK(scale.hi == 1e4);
  CHECK(app::signed_log10(999.0) == doctest::Approx(3.0));
  CHECK(app::signed_log10(-9.0) == doctest::Approx(-1.0));
  const app::Rgb below = app::nfa_colour(-0.01, scale), above = app::nfa_colour(0.01, scale);
  CHECK(below[2] > below[0]);  // not detected: blue
  CHECK(above[0] > above[2]);  // detected: yellow to red
  // 150 and 2730 (both far beyond the old clip at 30) get different colours.
  const app::Rgb a = app::nfa_colour(150.0, scale), b = app::nfa_colour(2730.8, scale);
  CHECK(std::abs(a[0] - b[0]) + std::abs(a[1] - b[1]) + std::abs(a[2] - b[2]) > 0.1f);
  // Ticks: 0 and each decade, at their signed-log positions along the bar.
  const auto ticks = app::nfa_ticks(scale);
  std::vector<std::string> labels;
  for (const auto& [pos, label] : ticks) labels.push_back(label);
  CHECK(labels == std::vector<std::string>{"\xe2\x88\x92"
                                           "10",
                                           "0", "10", "100", "1e3", "1e4"});
  const double lo = -std::log10(11.0), hi = std::log10(10001.0);
  CHECK(ticks[1].first == doctest::Approx(-lo / (hi - lo)));
  CHECK(ticks.back().first == doctest::Approx(1.0));
}

TEST_CASE("the report shows every image, colour bars, scores, a histogram and axis labels") {
  test::ScratchDir dir("report");
  const std::vector<app::CategoryEval> evals{category(dir)};
  const app::Report r = app::build_report(evals, "test");
  REQUIRE(r.rows.size() == 7);
  CHECK(r.grid_note.find("All 7 test images") == 0);
  // Grouped by defect type, good first, strongest detection first within a group.
  std::vector<std::string> order;
  for (const app::ReportRow& row : r.rows) order.push_back(row.name);
  CHECK(order == std::vector<std::string>{"good/0", "good/1", "good/2", "crack/0", "crack/1",
                                          "stain/0", "stain/1"});
  CHECK(r.rows[3].group == "crack");
  // Next to the saturated map max, the max −log10 NFA keeps the ranking.
  CHECK(r.rows[3].caption == "map max 1.000\nmax \xe2\x88\x92log10 NFA 2730.8");
  CHECK(r.rows[4].caption == "map max 1.000\nmax \xe2\x88\x92log10 NFA 12.0");
  // A colour bar with a unit on each map column; the NFA bar marks the threshold at 0.
  REQUIRE(r.panel_legends.size() == r.panel_titles.size());
  for (size_t k = 1; k < r.panel_legends.size(); ++k) {
    CHECK(!r.panel_legends[k].colours.empty());
    CHECK(!r.panel_legends[k].unit.empty());
  }
  const app::ReportLegend& nfa = r.panel_legends[3];
  REQUIRE(nfa.marker.has_value());
  CHECK(*nfa.marker == doctest::Approx(nfa.ticks[1].first));
  // Good vs. defective image scores, on the signed log axis.
  REQUIRE(r.histograms.size() == 1);
  CHECK(r.histograms[0].series[0].second.size() == 3);
  CHECK(r.histograms[0].series[1].second.size() == 4);
  CHECK(r.histograms[0].series[1].second[0] == doctest::Approx(app::signed_log10(2730.8)));
  // The oracle threshold has its unit.
  CHECK(r.tables[0].header.back() == "oracle threshold (\xe2\x88\x92log10 NFA)");

  const std::string html = app::render_html(r);
  CHECK(html.find("true positive rate (images)") != std::string::npos);
  CHECK(html.find("false positive rate") != std::string::npos);
  CHECK(html.find("linearGradient") != std::string::npos);
  CHECK(html.find("<details open><summary>crack \xc2\xb7 2 images</summary>") != std::string::npos);
  CHECK(html.find("threshold (NFA = 1)") != std::string::npos);
  size_t images = 0;
  for (size_t at = 0; (at = html.find("<img ", at)) != std::string::npos; ++at) ++images;
  CHECK(images == 7 * 5);
}

TEST_CASE("a report of more images than it shows says which sample it shows") {
  test::ScratchDir dir("report-sample");
  const app::Report r = app::build_report({category(dir)}, "test", 4);
  CHECK(r.rows.size() == 4);
  CHECK(r.grid_note.find("A sample: 4 of 7 test images") == 0);
  CHECK(r.histograms[0].series[0].second.size() + r.histograms[0].series[1].second.size() == 7);
}

TEST_CASE("per-image pictures are named overlay, nfa and detection") {
  test::ScratchDir dir("report-pictures");
  const app::Prediction p = prediction(dir, "crack", 0, -3.0, 50.0);
  fs::create_directories(dir.path() / "out");
  app::write_prediction_images(dir.file("out"), p);
  for (const char* suffix : {"_overlay.png", "_nfa.png", "_detection.png"})
    CHECK(fs::exists(dir.path() / "out" / (std::string("crack_0") + suffix)));
  CHECK(!fs::exists(dir.path() / "out" / "crack_0_mask.png"));
}
