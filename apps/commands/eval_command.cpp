#include "apps/commands/eval_command.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>

#include "apps/cli/output_lock.h"
#include "apps/commands/inference_setup.h"
#include "apps/commands/predict_command.h"
#include "apps/commands/visuals.h"
#include "apps/data/labels_file.h"
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

void print_metrics_line(const std::string& name, const EvalResult& m) {
  std::printf("%-14s image AUROC %s  pixel AUROC %s  AUPRO %s  mIoU@NFA %s  mIoU oracle %s\n",
              name.c_str(), fmt(m.image_auroc).c_str(), fmt(m.pixel_auroc).c_str(),
              fmt(m.aupro).c_str(), fmt(m.miou_nfa).c_str(), fmt(m.miou_oracle).c_str());
}

}  // namespace

CategoryEval evaluate_category(const std::string& data, const std::string& checkpoint,
                               const std::string& weights_dir, const PredictOptions& opt,
                               const std::string& images_dir) {
  const Category cat = scan_mvtec(data);
  UFLOW_CHECK(!cat.test.empty(), data,
              ": no test images (expected <category>/test/<type>/, or give --labels FILE.csv)");
  return evaluate_category(cat, checkpoint, weights_dir, opt, images_dir);
}

CategoryEval evaluate_category(const Category& cat, const std::string& checkpoint,
                               const std::string& weights_dir, const PredictOptions& opt,
                               const std::string& images_dir) {
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
  const int64_t size = evals.empty() ? 0 : evals[0].result.size;
  t.title = size ? "Metrics (maps at " + std::to_string(size) + "×" + std::to_string(size) + ")"
                 : "Metrics";
  t.header = {"category",           "images",        "anomalous",
              "image AUROC",        "pixel AUROC",   "AUPRO@0.3",
              "mIoU (log NFA < 0)", "mIoU (oracle)", "oracle threshold (\xe2\x88\x92log10 NFA)"};
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
    if (e.result.image_auroc && !e.result.image_roc.x.empty())
      r.curves.push_back({prefix + "image ROC, AUROC " + fmt(e.result.image_auroc),
                          points(e.result.image_roc), "true positive rate (images)"});
    if (e.result.pixel_auroc && !e.result.pixel_roc.x.empty())
      r.curves.push_back({prefix + "pixel ROC, AUROC " + fmt(e.result.pixel_auroc),
                          points(e.result.pixel_roc), "true positive rate (pixels)"});
    for (const std::string& n : e.result.notes) r.notes.push_back(prefix + n);
  }
  // One colour scale for every NFA map of the report, so that maps compare across images.
  double lo = 0, hi = 0;
  for (const CategoryEval& e : evals)
    for (const Prediction& p : e.predictions) {
      const std::vector<float> v = p.neg_log_nfa.to_floats();
      lo = std::min<double>(lo, *std::min_element(v.begin(), v.end()));
      hi = std::max<double>(hi, *std::max_element(v.begin(), v.end()));
    }
  const NfaScale scale = nfa_scale_covering(lo, hi);
  const auto ticks = nfa_ticks(scale);
  const double a = signed_log10(scale.lo), b = signed_log10(scale.hi);
  const double zero_at = -a / (b - a);

  for (const CategoryEval& e : evals) {
    if (e.predictions.empty()) continue;  // merged from metrics.csv: no images
    ReportHistogram h;
    h.title = (evals.size() > 1 ? e.name + ": " : "") +
              "max \xe2\x88\x92log10 NFA per image, good vs. defective";
    h.x_label = "max \xe2\x88\x92log10 NFA of the image (signed log scale)";
    for (const auto& [pos, label] : ticks) h.x_ticks.push_back({a + pos * (b - a), label});
    h.series = {{"good", {}}, {"defective", {}}};
    for (const Prediction& p : e.predictions)
      h.series[p.sample.anomalous ? 1 : 0].second.push_back(signed_log10(p.max_neg_log_nfa));
    h.marker = {{0.0, "threshold (NFA = 1)"}};
    r.histograms.push_back(h);
  }

  r.panel_titles = {"image", "ground truth", "anomaly map", "\xe2\x88\x92log10 NFA",
                    "detection (log10 NFA < 0)"};
  std::vector<std::pair<double, std::string>> quarters;
  for (int k = 0; k <= 4; ++k) quarters.push_back({k / 4.0, fmt(k / 4.0, 2)});
  r.panel_legends = {
      {},
      {{{0, 0, 0}, {1, 1, 1}}, true, {{0.25, "normal"}, {0.75, "defect"}}, {}, "mask"},
      {anomaly_colour_bar(32),
       false,
       quarters,
       {},
       "1 \xe2\x88\x92 mean likelihood, over the image at 50 %"},
      {nfa_colour_bar(scale, 64), false, ticks, zero_at,
       "\xe2\x88\x92log10 NFA, log scale; black line: 0 = threshold"},
      {{{0.5f, 0.5f, 0.5f}, {0.75f, 0.25f, 0.25f}},
       true,
       {{0.25, "not detected"}, {0.75, "detected"}},
       {},
       "red tint: log10 NFA < 0"}};
  size_t shown = 0, total = 0;
  for (const CategoryEval& e : evals) {
    std::vector<const Prediction*> rows = pick_rows(e.predictions, max_rows);
    shown += rows.size();
    total += e.predictions.size();
    // Grouped by defect type (good first), strongest detection first within a group.
    std::stable_sort(rows.begin(), rows.end(), [](const Prediction* x, const Prediction* y) {
      if (x->sample.defect != y->sample.defect)
        return x->sample.defect == "good" ||
               (y->sample.defect != "good" && x->sample.defect < y->sample.defect);
      return x->max_neg_log_nfa > y->max_neg_log_nfa;
    });
    for (const Prediction* p : rows) {
      const int64_t T = p->anomaly_map.size(-1);
      const Tensor image = display_image(p->sample, T);
      Tensor detected = kernels::binary(BinaryOp::gt, p->neg_log_nfa, Tensor::scalar(0.0));
      char cap[160];
      std::snprintf(cap, sizeof cap, "map max %.3f\nmax \xe2\x88\x92log10 NFA %.1f", p->score,
                    p->max_neg_log_nfa);
      r.rows.push_back(
          {(evals.size() > 1 ? e.name + " / " : "") + p->sample.defect,
           p->sample.name,
           cap,
           {image, render_mask(p->ground_truth), overlay_anomaly(image, p->anomaly_map),
            render_nfa(p->neg_log_nfa, scale), overlay_mask(image, detected)}});
    }
  }
  r.grid_note = shown == total
                    ? "All " + std::to_string(total) +
                          " test images, grouped by defect type, strongest detection first."
                    : "A sample: " + std::to_string(shown) + " of " + std::to_string(total) +
                          " test images (up to " + std::to_string(max_rows) +
                          " per category, taken in turn from each defect type), grouped by "
                          "defect type, strongest detection first. uflow eval --save-images "
                          "writes the pictures of every image.";
  r.notes.push_back(
      "Image AUROC uses the paper's image score, the max of the anomaly map; it reaches 1.000 "
      "on clear defects, so the grid and the histogram also give the max of âlog10 "
      "NFA, which keeps ranking them. The oracle threshold is in âlog10 NFA (0 is "
      "the a-contrario threshold NFA = 1). Pixel metrics over all test pixels. AUPRO is "
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
  std::vector<std::pair<std::string, EvalResult>> rows;
  for (const CategoryEval& e : evals) rows.push_back({e.name, e.result});
  write_file_atomic((fs::path(out) / "metrics.csv").string(), metrics_csv(rows));
  write_report((fs::path(out) / "report.html").string(), build_report(evals, subtitle));
}

std::vector<CategoryEval> read_run_evaluations(const std::string& runs) {
  UFLOW_CHECK(fs::is_directory(runs), runs, ": folder not found");
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(runs))
    if (e.is_directory() && fs::is_regular_file(e.path() / "evaluation" / "metrics.csv"))
      files.push_back(e.path() / "evaluation" / "metrics.csv");
  std::sort(files.begin(), files.end());
  UFLOW_CHECK(!files.empty(), runs, ": no <category>/evaluation/metrics.csv to merge");
  std::vector<CategoryEval> out;
  for (const fs::path& f : files)
    for (auto& [name, result] : read_metrics_csv(f.string())) {
      CategoryEval e;
      e.name = name;
      e.result = result;
      out.push_back(std::move(e));
    }
  return out;
}

int eval_command(const std::vector<std::string>& args) {
  Args a("eval",
         "Evaluate trained models on MVTec AD style test sets (or a labels CSV): image/pixel "
         "AUROC, AUPRO, mIoU; writes metrics.json, metrics.csv and report.html. Without masks "
         "the pixel metrics are n/a. With --runs and no data, merges the evaluations already in "
         "<runs>/<category>/evaluation/metrics.csv into one table.");
  a.positional("data", "category folder, or several separated by commas", false)
      .option("checkpoint", "path", "", "checkpoint.h5 (one category)")
      .option("runs", "dir", "",
              "<runs>/<category>/checkpoint.h5 for each category; alone: merge their evaluations")
      .option("labels", "file.csv", "",
              "test set as CSV rows path,label[,mask] (label good|anomalous|<defect type>; "
              "relative paths from the file's folder) instead of <data>/test")
      .option("out", "dir", "evaluation", "output folder")
      .flag("save-images", "also write every test image's overlay, NFA map and mask PNGs");
  add_inference_options(a);
  if (!a.parse(args)) return 0;
  const std::string out = a.str("out");
  const std::string subtitle_merge = "merged from " + a.str("runs");
  if (a.str("data").empty() && a.str("labels").empty()) {
    UFLOW_CHECK(!a.str("runs").empty(),
                "give a category folder, --labels FILE.csv, or --runs <dir> to merge");
    const std::vector<CategoryEval> evals = read_run_evaluations(a.str("runs"));
    for (const CategoryEval& e : evals) print_metrics_line(e.name, e.result);
    write_eval_outputs(out, evals, subtitle_merge);
    std::printf("metrics: %s/metrics.csv\nreport:  %s/report.html\n", out.c_str(), out.c_str());
    return 0;
  }
  const PredictOptions opt = inference_options(a);
  std::vector<std::string> cats;
  {
    std::string s = a.str("data");
    for (size_t p; (p = s.find(',')) != std::string::npos; s = s.substr(p + 1))
      if (p) cats.push_back(s.substr(0, p));
    if (!s.empty()) cats.push_back(s);
  }
  UFLOW_CHECK(cats.size() <= 1 || !a.str("runs").empty(),
              "several categories need --runs <dir> holding <category>/checkpoint.h5");
  UFLOW_CHECK(cats.size() <= 1 || a.str("labels").empty(),
              "--labels describes one test set: give at most one category");
  UFLOW_CHECK(!a.str("checkpoint").empty() || !a.str("runs").empty(),
              "give --checkpoint <file> or --runs <dir>");
  UFLOW_CHECK(!cats.empty() || !a.str("checkpoint").empty(),
              "--labels without a category folder needs --checkpoint <file>");
  const OutputLock lock(out, "eval");
  std::vector<CategoryEval> evals;
  if (cats.empty()) cats.push_back("");
  for (const std::string& c : cats) {
    Category cat;
    if (!a.str("labels").empty()) {
      cat = read_labels(a.str("labels"));
      if (!c.empty()) cat.name = category_name(c);
    } else {
      cat = scan_mvtec(c);
      UFLOW_CHECK(!cat.test.empty(), c,
                  ": no test images (expected <category>/test/<type>/, or give --labels FILE.csv)");
    }
    const std::string ckpt = a.str("runs").empty()
                                 ? a.str("checkpoint")
                                 : (fs::path(a.str("runs")) / cat.name / "checkpoint.h5").string();
    evals.push_back(evaluate_category(
        cat, ckpt, a.str("weights"), opt,
        a.has("save-images") ? (fs::path(out) / "images" / cat.name).string() : ""));
    print_metrics_line(cat.name, evals.back().result);
  }
  write_eval_outputs(out, evals,
                     std::string("NFA method: ") + to_string(opt.nfa.method) +
                         (opt.nfa.guard ? " (guarded)" : ""));
  std::printf("metrics: %s/metrics.json\nreport:  %s/report.html\n", out.c_str(), out.c_str());
  return 0;
}

}  // namespace uflow::app
