#include "apps/bench/bench_precision.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>

#include "apps/bench/bench.h"
#include "apps/bench/bench_util.h"
#include "apps/cli/args.h"
#include "apps/commands/device_option.h"
#include "apps/commands/inference_setup.h"
#include "apps/commands/train_command.h"
#include "apps/demo/synthetic_data.h"
#include "apps/model/predictor.h"

namespace fs = std::filesystem;

namespace uflow::app {
namespace bench {
namespace {

double max_abs_diff(const Tensor& a, const Tensor& b) {
  const std::vector<float> va = a.to_floats(), vb = b.to_floats();
  UFLOW_CHECK(va.size() == vb.size(), "bench precision: maps of different sizes");
  double m = 0;
  for (size_t i = 0; i < va.size(); ++i) m = std::max(m, std::fabs(double(va[i]) - vb[i]));
  return m;
}

}  // namespace

std::vector<PrecisionRow> run_precision_study(const PrecisionStudyOptions& opt) {
  UFLOW_CHECK(!opt.precisions.empty(), "bench precision: no precision to study");
  const fs::path root(opt.dir);
  const fs::path data = root / "data" / "synthetic_texture";
  SyntheticSpec spec;
  spec.size = opt.image_size;
  spec.train = opt.train_images;
  spec.test_good = opt.test_good;
  spec.test_per_defect = opt.test_per_defect;
  write_synthetic_category(data.string(), spec);

  // Training is always fp32: only the frozen extractor's inference precision is studied.
  TrainRequest req;
  req.data = data.string();
  req.out = (root / "model").string();
  req.spec.extractor = ExtractorKind::small;
  req.train.epochs = opt.epochs;
  req.train.batch = opt.batch;
  req.checkpoint_every = opt.epochs;
  req.device = opt.device;
  const TrainSummary ts = run_training(req);

  const Category cat = scan_mvtec(data.string());
  LoadedModel model = load_model(ts.checkpoint, "", opt.device);
  std::vector<PrecisionRow> rows;
  std::vector<Prediction> base;
  for (const cuda::Precision p : opt.precisions) {
    PredictOptions po;
    po.device = opt.device;
    po.batch = opt.batch;
    po.extractor_precision = p;
    po.graph = opt.graph;
    PrecisionRow row;
    row.precision = p;
    std::vector<Prediction> preds;
    row.seconds =
        seconds_of([&] { preds = predict_images(*model.extractor, *model.flow, cat.test, po); });
    row.metrics = evaluate(preds);
    if (base.empty()) base = preds;
    for (size_t i = 0; i < preds.size(); ++i) {
      row.max_map_diff =
          std::max(row.max_map_diff, max_abs_diff(preds[i].anomaly_map, base[i].anomaly_map));
      row.max_score_diff = std::max(row.max_score_diff, std::fabs(preds[i].score - base[i].score));
      row.max_nfa_diff =
          std::max(row.max_nfa_diff, max_abs_diff(preds[i].neg_log_nfa, base[i].neg_log_nfa));
      const std::vector<float> a = preds[i].neg_log_nfa.to_floats(),
                               b = base[i].neg_log_nfa.to_floats();
      for (size_t k = 0; k < a.size(); ++k) row.mask_pixels_differ += (a[k] > 0) != (b[k] > 0);
      row.mask_pixels += static_cast<int64_t>(a.size());
    }
    rows.push_back(row);
  }
  return rows;
}

}  // namespace bench

int bench_precision(const std::vector<std::string>& argv) {
  Args args("bench precision",
            "The accuracy cost of the reduced extractor precisions (--precision of predict and\n"
            "eval): trains the demo's pipeline once in fp32 (synthetic textures, small\n"
            "random-weight extractor), predicts its test set with the extractor in each\n"
            "precision and compares with fp32: largest anomaly-map, score and -log10 NFA\n"
            "differences, detection pixels that differ, and the demo's metrics. On the CPU\n"
            "every precision is fp32 (all differences zero).");
  args.option("device", "cpu|cuda|auto", "auto", "where to run (auto: cuda when usable)")
      .option("precisions", "LIST", "fp32,tf32,bf16",
              "precisions to compare, the first is the baseline")
      .option("out", "dir", "", "working folder (default: a temporary folder, removed after)")
      .option("epochs", "n", "10", "training epochs")
      .option("train-images", "n", "30", "synthetic normal training images")
      .option("test-good", "n", "12", "good test images")
      .option("test-per-defect", "n", "8", "test images per defect kind (3 kinds)")
      .option("image-size", "n", "256", "side of the synthetic images")
      .option("batch", "n", "8", "images per batch (training and prediction)")
      .flag("graph", "predict with CUDA graphs (apps/model/inference_forward.h)");
  if (!args.parse(argv)) return 0;
  bench::PrecisionStudyOptions opt;
  opt.device = parse_device(args.str("device"));
  opt.precisions.clear();
  std::string list = args.str("precisions");
  for (size_t start = 0; start <= list.size();) {
    const size_t end = std::min(list.find(',', start), list.size());
    opt.precisions.push_back(
        cuda::parse_precision(list.substr(start, end - start), "bench precision: --precisions"));
    start = end + 1;
  }
  opt.epochs = args.integer("epochs");
  opt.train_images = args.integer("train-images");
  opt.test_good = args.integer("test-good");
  opt.test_per_defect = args.integer("test-per-defect");
  opt.image_size = args.integer("image-size");
  opt.batch = args.integer("batch");
  opt.graph = args.has("graph");
  UFLOW_CHECK(opt.epochs >= 1 && opt.train_images >= 1 && opt.batch >= 1 && opt.test_good >= 1 &&
                  opt.test_per_defect >= 1 && opt.image_size >= 16,
              "bench precision: --epochs, --train-images, --batch, --test-good and "
              "--test-per-defect must be at least 1, --image-size at least 16");
  const bool temporary = !args.has("out");
  opt.dir =
      temporary ? (fs::temp_directory_path() / "uflow-bench-precision").string() : args.str("out");
  bench::print_machine(opt.device);
  const auto rows = bench::run_precision_study(opt);
  if (temporary) fs::remove_all(opt.dir);

  auto f = [](const std::optional<double>& v) { return v ? *v : std::nan(""); };
  std::printf("\nextractor precision against %s, %s, %zu test images:\n",
              cuda::to_string(rows[0].precision), device_name(opt.device),
              rows[0].metrics.images > 0 ? static_cast<size_t>(rows[0].metrics.images) : 0);
  std::printf("%-9s %9s %12s %12s %12s %14s %8s %8s %8s %8s %8s\n", "precision", "predict s",
              "max |dmap|", "max |dscore|", "max |dnfa|", "mask px differ", "img AUC", "pix AUC",
              "AUPRO", "mIoU", "mIoU or");
  for (const bench::PrecisionRow& r : rows) {
    const EvalResult& m = r.metrics;
    std::printf("%-9s %9.2f %12.3g %12.3g %12.3g %14lld %8.4f %8.4f %8.4f %8.4f %8.4f\n",
                cuda::to_string(r.precision), r.seconds, r.max_map_diff, r.max_score_diff,
                r.max_nfa_diff, static_cast<long long>(r.mask_pixels_differ), f(m.image_auroc),
                f(m.pixel_auroc), f(m.aupro), f(m.miou_nfa), f(m.miou_oracle));
  }
  for (const bench::PrecisionRow& r : rows) {
    const EvalResult& m = r.metrics;
    std::printf(
        "ACCURACY precision=%s baseline=%s device=%s max_map_diff=%.6g max_score_diff=%.6g "
        "max_nfa_diff=%.6g mask_pixels_differ=%lld mask_pixels=%lld image_auroc=%.6f "
        "pixel_auroc=%.6f aupro=%.6f miou_nfa=%.6f miou_oracle=%.6f predict_seconds=%.3f\n",
        cuda::to_string(r.precision), cuda::to_string(rows[0].precision), device_name(opt.device),
        r.max_map_diff, r.max_score_diff, r.max_nfa_diff,
        static_cast<long long>(r.mask_pixels_differ), static_cast<long long>(r.mask_pixels),
        f(m.image_auroc), f(m.pixel_auroc), f(m.aupro), f(m.miou_nfa), f(m.miou_oracle), r.seconds);
  }
  return 0;
}

}  // namespace uflow::app
