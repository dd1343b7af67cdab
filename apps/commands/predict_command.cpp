#include "apps/commands/predict_command.h"

#include <cstdio>
#include <filesystem>

#include "apps/cli/output_lock.h"
#include "apps/commands/inference_setup.h"
#include "apps/commands/visuals.h"
#include "apps/report/csv.h"
#include "imaging/image_io.h"

namespace fs = std::filesystem;

namespace uflow::app {
namespace {

std::string flat_name(std::string name) {
  for (char& c : name)
    if (c == '/' || c == '\\') c = '_';
  return name;
}

}  // namespace

void write_prediction_images(const std::string& out_dir, const Prediction& p) {
  const int64_t T = p.anomaly_map.size(-1);
  const Tensor image = display_image(p.sample, T);
  const std::string base = (fs::path(out_dir) / flat_name(p.sample.name)).string();
  save_png(base + "_overlay.png", overlay_anomaly(image, p.anomaly_map));
  save_png(base + "_nfa.png", render_nfa(p.neg_log_nfa));
  Tensor mask = kernels::binary(BinaryOp::gt, p.neg_log_nfa, Tensor::scalar(0.0));
  save_png(base + "_detection.png", render_mask(mask));
}

std::string scores_csv(const std::vector<Prediction>& preds) {
  std::string out =
      csv_row({"image", "name", "score", "max_neg_log10_nfa", "detected_fraction", "label"});
  for (const Prediction& p : preds) {
    const std::vector<float> n = p.neg_log_nfa.to_floats();
    double mx = -1e300;
    int64_t det = 0;
    for (float v : n) {
      mx = std::max<double>(mx, v);
      det += v > 0;
    }
    char score[32], max_nfa[32], fraction[32];
    std::snprintf(score, sizeof score, "%.6f", p.score);
    std::snprintf(max_nfa, sizeof max_nfa, "%.3f", mx);
    std::snprintf(fraction, sizeof fraction, "%.6f", double(det) / double(n.size()));
    out += csv_row({p.sample.image, p.sample.name, score, max_nfa, fraction,
                    p.sample.defect.empty() ? "" : (p.sample.anomalous ? "anomalous" : "normal")});
  }
  return out;
}

int predict_command(const std::vector<std::string>& args) {
  Args a("predict",
         "Anomaly maps, -log10 NFA maps and masks (detection where log10 NFA < 0) for images.");
  a.positional("checkpoint", "checkpoint.h5 written by uflow train")
      .positional_list("images",
                       "image files, folders of images, or MVTec categories (their test sets)")
      .option("out", "dir", "predictions", "output folder");
  add_inference_options(a);
  if (!a.parse(args)) return 0;
  PredictOptions opt = inference_options(a);
  opt.model = a.str("checkpoint");
  const std::vector<Sample> samples = scan_inputs(a.list("images"));
  LoadedModel model = load_model(a.str("checkpoint"), a.str("weights"), opt.device);
  const std::string out = a.str("out");
  const OutputLock lock(out, "predict");
  const auto preds = predict_images(*model.extractor, *model.flow, samples, opt,
                                    [&](const Prediction& p) { write_prediction_images(out, p); });
  write_file_atomic((fs::path(out) / "scores.csv").string(), scores_csv(preds));
  int64_t flagged = 0;
  for (const Prediction& p : preds)
    for (float v : p.neg_log_nfa.to_floats())
      if (v > 0) {
        ++flagged;
        break;
      }
  std::printf("%zu images, %lld with a detection (log10 NFA < 0); outputs in %s (scores.csv)\n",
              preds.size(), static_cast<long long>(flagged), out.c_str());
  return 0;
}

}  // namespace uflow::app
