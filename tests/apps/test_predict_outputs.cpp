// What predict and eval write must not change data silently: scores.csv is RFC 4180 CSV
// whatever the file names hold, the oracle mIoU is n/a without anomalous pixels, a mask of
// another size than its image is an error unless resizing is asked for, and a model whose
// latents are not finite is an error naming the checkpoint.
#include <filesystem>

#include "apps/commands/evaluation.h"
#include "apps/commands/predict_command.h"
#include "apps/model/model_spec.h"
#include "apps/model/predictor.h"
#include "apps/report/csv.h"
#include "imaging/image_io.h"
#include "tensor/ops.h"
#include "test_util.h"
#include "tiny_run.h"

using namespace uflow;
using test::error_of;
namespace fs = std::filesystem;

namespace {

// An RFC 4180 reader (the reference the writer is checked against): records of fields,
// quoted fields may hold commas, doubled quotes and line breaks.
std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
  std::vector<std::vector<std::string>> rows(1, std::vector<std::string>(1));
  bool quoted = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    std::string& field = rows.back().back();
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      rows.back().emplace_back();
    } else if (c == '\n') {
      rows.emplace_back(1);
    } else {
      field += c;
    }
  }
  if (rows.back() == std::vector<std::string>(1)) rows.pop_back();
  return rows;
}

app::Prediction prediction(const std::string& image, const std::string& name, bool anomalous,
                           float mask_value) {
  app::Prediction p;
  p.sample.image = image;
  p.sample.name = name;
  p.sample.defect = anomalous ? "scratch" : "good";
  p.sample.anomalous = anomalous;
  if (anomalous) p.sample.mask = name + "_mask.png";  // a pixel-labelled test set
  p.anomaly_map = kernels::rand_uniform({8, 8}, 3, name.size());
  p.neg_log_nfa = kernels::affine_scalar(kernels::rand_uniform({8, 8}, 4, name.size()), 2, -1);
  p.ground_truth = kernels::full({8, 8}, mask_value);
  p.score = 0.5;
  return p;
}

}  // namespace

TEST_CASE("scores.csv quotes names holding commas, quotes and line breaks (RFC 4180)") {
  CHECK(app::csv_field("plain") == "plain");
  CHECK(app::csv_field("a,b") == "\"a,b\"");
  CHECK(app::csv_field("say \"hi\"") == "\"say \"\"hi\"\"\"");
  CHECK(app::csv_field("two\nlines") == "\"two\nlines\"");
  const std::vector<app::Prediction> preds = {
      prediction("data/a,b.png", "good/a,b", false, 0),
      prediction("data/\"quoted\".png", "scratch/\"quoted\"", true, 1),
      prediction("data/line\nbreak.png", "good/line\nbreak", false, 0)};
  const auto rows = parse_csv(app::scores_csv(preds));
  REQUIRE(rows.size() == 4);
  CHECK(rows[0] == std::vector<std::string>{"image", "name", "score", "max_neg_log10_nfa",
                                            "detected_fraction", "label"});
  for (size_t i = 0; i < preds.size(); ++i) {
    REQUIRE(rows[i + 1].size() == 6);
    CHECK(rows[i + 1][0] == preds[i].sample.image);
    CHECK(rows[i + 1][1] == preds[i].sample.name);
    CHECK(rows[i + 1][2] == "0.500000");
    CHECK(rows[i + 1][5] == (preds[i].sample.anomalous ? "anomalous" : "normal"));
  }
}

TEST_CASE("the oracle mIoU is n/a when no test pixel is anomalous") {
  const std::vector<app::Prediction> good = {prediction("a.png", "good/a", false, 0),
                                             prediction("b.png", "good/b", false, 0)};
  const app::EvalResult r = app::evaluate(good);
  CHECK_FALSE(r.miou_oracle.has_value());
  CHECK_FALSE(r.oracle_threshold.has_value());
  CHECK(std::find(r.notes.begin(), r.notes.end(),
                  "oracle mIoU undefined: no test pixel is anomalous (good images only, or empty "
                  "masks)") != r.notes.end());
  const std::string json = app::eval_json("cat", r);
  CHECK(json.find("\"miou_oracle\": null") != std::string::npos);
  CHECK(json.find("\"miou_oracle_threshold\": null") != std::string::npos);
  // An anomalous image whose mask is empty is no different.
  const app::EvalResult empty_masks = app::evaluate(
      {prediction("a.png", "good/a", false, 0), prediction("c.png", "scratch/c", true, 0)});
  CHECK_FALSE(empty_masks.miou_oracle.has_value());
  // With anomalous pixels it is a number.
  const app::EvalResult mixed = app::evaluate(
      {prediction("a.png", "good/a", false, 0), prediction("c.png", "scratch/c", true, 1)});
  REQUIRE(mixed.miou_oracle.has_value());
  CHECK(*mixed.miou_oracle > 0);
}

TEST_CASE("a mask of another size than its image is an error unless --resize-masks") {
  const fs::path root = test::tiny_category("masksize");
  const fs::path mask = root / "ground_truth" / "blob" / "000_mask.png";
  save_png(mask.string(), kernels::zeros({1, 20, 24}));
  const app::Category cat = app::scan_mvtec(root.string());

  const auto extractor = app::build_extractor(test::tiny_spec());
  const auto flow = app::build_flow(test::tiny_spec());
  flow->train(false);
  app::PredictOptions opt;
  opt.nfa.size = 16;
  opt.model = "model.h5";
  const std::string image = (root / "test" / "blob" / "000.png").string();
  CHECK(error_of([&] { app::predict_images(*extractor, *flow, cat.test, opt); }) ==
        mask.string() + ": mask is 24x20 pixels but its image " + image +
            " is 48x48 (--resize-masks resizes masks to their images)");
  opt.resize_masks = true;
  CHECK(app::predict_images(*extractor, *flow, cat.test, opt).size() == cat.test.size());

  // A model with absurd (finite) parameters: its latents overflow, and predict says so.
  for (const auto& [name, p] : flow->named_parameters())
    flow->set_parameter(name, kernels::full(p.shape(), 1e30));
  const std::string msg = error_of([&] { app::predict_images(*extractor, *flow, cat.test, opt); });
  CHECK(msg.rfind("model.h5: the model's latents are not finite for " + cat.test[0].image, 0) == 0);
  fs::remove_all(root);
}
