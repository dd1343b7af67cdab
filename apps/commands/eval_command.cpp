#include "apps/commands/eval_command.h"

#include <cstdio>
#include <filesystem>
#include <map>

#include "apps/cli/output_lock.h"
#include "apps/commands/inference_setup.h"
#include "apps/commands/predict_command.h"
#include "apps/commands/visuals.h"
#include "imaging/image_io.h"

namespace fs = std::filesystem;

namespace uflow::app {
namespace {

std::string fmt(std::optional<double> v, int digits = 4) {
  if (!v) return "n/a";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", digits, *v);
  return buf;
}

std::vector<std::pair<double, double>> points(const metrics::Curve& c) {
  std::vector<std::pair<double, double>> p;
  for (size_t i = 0; i < c.size(); ++i) p.push_back({c.x[i], c.y[i]});
  return p;
}

// Up to n rows per category, spread over the defect types (and good images).
std::vector<const Prediction*> pick_rows(const std::vector<Prediction>& preds, size_t n) {
  std::map<std::string, std::vector<const Prediction*>> by_type;
  for (const Prediction& p : preds) by_type[p.sample.defect].push_back(&p);
  std::vector<const Prediction*> out;
  for (size_t round = 0; out.size() < n; ++round) {
    bool any = false;
    for (auto& [type, list] : by_type)
      if (round < list.size() && out.size() < n) {
        out.push_back(list[round]);
        any = true;
      }
    if (!any) break;
  }
  return out;
}

}  // namespace

CategoryEval evaluate_category(const std::string& data, const std::string& checkpoint,
                               const std::string& weights_dir, const PredictOptions& opt,
                               const std::string& images_dir) {
  const Category cat = scan_mvtec(data);
  UFLOW_CHECK(!cat.test.empty(), data, ": no test images (expected <category>/test/<type>/)");
  LoadedModel model = load_model(checkpoint, weights_dir, opt.device);
  if (!images_dir.empty()) fs::create_directories(images_dir);
  CategoryEval ce;
  ce.name = cat.name;
  PredictOptions named = opt;
  named.model = checkpoint;
  ce.predictions =
      predict_images(*model.extractor, *model.flow, cat.test, named, [&](const Prediction& p) {
        if (!images_dir.empty()) write_prediction_images(images_dir, p);
      });
  ce.result = evaluate(ce.predictions);
  return ce;
}

Report build_report(const std::vector<CategoryEval>& evals, const std::string& subtitle,
                    size_t max_rows) {
  Report r;
  r.title = "uflow evaluation" + (evals.size() == 1 ? ": " + evals[0].name : "");
  r.subtitle = subtitle;
  ReportTable t;
  t.title = "Metrics (maps at " + std::to_string(evals.empty() ? 0 : evals[0].result.size) + "×" +
            std::to_string(evals.empty() ? 0 : evals[0].result.size) + ")";
  t.header = {"category",           "images",        "anomalous",
              "image AUROC",        "pixel AUROC",   "AUPRO@0.3",
              "mIoU (log NFA < 0)", "mIoU (oracle)", "oracle threshold"};
  double sums[5] = {0, 0, 0, 0, 0};
  int counts[5] = {0, 0, 0, 0, 0};
  for (const CategoryEval& e : evals) {
    const EvalResult& m = e.result;
    t.rows.push_back({e.name, std::to_string(m.images), std::to_string(m.anomalous),
                      fmt(m.image_auroc), fmt(m.pixel_auroc), fmt(m.aupro), fmt(m.miou_nfa),
                      fmt(m.miou_oracle), fmt(m.oracle_threshold, 1)});
    const std::optional<double> vals[5] = {m.image_auroc, m.pixel_auroc, m.aupro, m.miou_nfa,
                                           m.miou_oracle};
    for (int k = 0; k < 5; ++k)
      if (vals[k]) sums[k] += *vals[k], ++counts[k];
  }
  if (evals.size() > 1) {
    std::vector<std::string> mean{"mean", "", ""};
    for (int k = 0; k < 5; ++k) mean.push_back(counts[k] ? fmt(sums[k] / counts[k]) : "n/a");
    mean.push_back("");
    t.rows.push_back(mean);
  }
  r.tables.push_back(t);
  for (const CategoryEval& e : evals) {
    const std::string prefix = evals.size() > 1 ? e.name + ": " : "";
    if (e.result.image_auroc)
      r.curves.push_back(
          {prefix + "image ROC, AUROC " + fmt(e.result.image_auroc), points(e.result.image_roc)});
    if (e.result.pixel_auroc)
      r.curves.push_back(
          {prefix + "pixel ROC, AUROC " + fmt(e.result.pixel_auroc), points(e.result.pixel_roc)});
    for (const std::string& n : e.result.notes) r.notes.push_back(prefix + n);
  }
  r.panel_titles = {"image", "ground truth", "anomaly map", "-log10 NFA",
                    "detection (log NFA < 0)"};
  for (const CategoryEval& e : evals)
    for (const Prediction* p : pick_rows(e.predictions, max_rows)) {
      const int64_t T = p->anomaly_map.size(-1);
      const Tensor image = display_image(p->sample, T);
      Tensor detected = kernels::binary(BinaryOp::gt, p->neg_log_nfa, Tensor::scalar(0.0));
      char cap[96];
      std::snprintf(cap, sizeof cap, "score %.3f · %s", p->score, p->sample.defect.c_str());
      r.rows.push_back(
          {(evals.size() > 1 ? e.name + "/" : "") + p->sample.name,
           cap,
           {image, render_mask(p->ground_truth), overlay_anomaly(image, p->anomaly_map),
            render_nfa(p->neg_log_nfa), overlay_mask(image, detected)}});
    }
  r.notes.push_back(
      "Image score = max of the anomaly map. Pixel metrics over all test pixels. AUPRO is "
      "normalised by the FPR limit 0.3. mIoU counts every test image (a good image with no "
      "detection has IoU 1). The model is the last training epoch: no test image was used to "
      "choose it.");
  return r;
}

void write_eval_outputs(const std::string& out, const std::vector<CategoryEval>& evals,
                        const std::string& subtitle) {
  fs::create_directories(out);
  std::string json = evals.size() == 1 ? eval_json(evals[0].name, evals[0].result) : "[\n";
  if (evals.size() > 1) {
    for (size_t i = 0; i < evals.size(); ++i)
      json += eval_json(evals[i].name, evals[i].result) + (i + 1 < evals.size() ? ",\n" : "");
    json += "]\n";
  }
  write_file_atomic((fs::path(out) / "metrics.json").string(), json);
  write_report((fs::path(out) / "report.html").string(), build_report(evals, subtitle));
}

int eval_command(const std::vector<std::string>& args) {
  Args a("eval",
         "Evaluate trained models on MVTec AD style test sets: image/pixel AUROC, AUPRO, mIoU; "
         "writes metrics.json and report.html.");
  a.positional("data", "category folder, or several separated by commas")
      .option("checkpoint", "path", "", "checkpoint.h5 (one category)")
      .option("runs", "dir", "", "with several categories: <runs>/<category>/checkpoint.h5")
      .option("out", "dir", "evaluation", "output folder")
      .flag("save-images", "also write every test image's overlay, NFA map and mask PNGs");
  add_inference_options(a);
  if (!a.parse(args)) return 0;
  const PredictOptions opt = inference_options(a);
  std::vector<std::string> cats;
  {
    std::string s = a.str("data");
    for (size_t p; (p = s.find(',')) != std::string::npos; s = s.substr(p + 1))
      if (p) cats.push_back(s.substr(0, p));
    if (!s.empty()) cats.push_back(s);
  }
  UFLOW_CHECK(cats.size() == 1 || !a.str("runs").empty(),
              "several categories need --runs <dir> holding <category>/checkpoint.h5");
  UFLOW_CHECK(!a.str("checkpoint").empty() || !a.str("runs").empty(),
              "give --checkpoint <file> or --runs <dir>");
  const std::string out = a.str("out");
  const OutputLock lock(out, "eval");
  std::vector<CategoryEval> evals;
  for (const std::string& c : cats) {
    const std::string name = fs::path(c).lexically_normal().filename().string();
    const std::string ckpt = a.str("runs").empty()
                                 ? a.str("checkpoint")
                                 : (fs::path(a.str("runs")) / name / "checkpoint.h5").string();
    evals.push_back(
        evaluate_category(c, ckpt, a.str("weights"), opt,
                          a.has("save-images") ? (fs::path(out) / "images" / name).string() : ""));
    const EvalResult& m = evals.back().result;
    std::printf("%-14s image AUROC %s  pixel AUROC %s  AUPRO %s  mIoU@NFA %s  mIoU oracle %s\n",
                name.c_str(), fmt(m.image_auroc).c_str(), fmt(m.pixel_auroc).c_str(),
                fmt(m.aupro).c_str(), fmt(m.miou_nfa).c_str(), fmt(m.miou_oracle).c_str());
  }
  write_eval_outputs(out, evals,
                     std::string("NFA method: ") + to_string(opt.nfa.method) +
                         (opt.nfa.guard ? " (guarded)" : ""));
  std::printf("metrics: %s/metrics.json\nreport:  %s/report.html\n", out.c_str(), out.c_str());
  return 0;
}

}  // namespace uflow::app
