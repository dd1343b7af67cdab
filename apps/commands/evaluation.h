// The paper's metrics over a set of predictions at the evaluation size (256×256): image AUROC
// (score = max of the anomaly map), pixel AUROC, AUPRO up to FPR 0.3, and mIoU of the NFA
// segmentation at log NFA = 0 and at the best single threshold ("oracle").
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "apps/data/dataset.h"
#include "metrics/curve.h"
#include "tensor/tensor.h"

namespace uflow::app {

// One test image's outputs, all (T, T) f32 on the CPU.
struct Prediction {
  Sample sample;
  Tensor anomaly_map;   // 1 − mean probability, in [0, 1]
  Tensor neg_log_nfa;   // −log10 NFA; detection where > 0
  Tensor ground_truth;  // 0/1 (mask resized to T and thresholded at 0.5); zeros for good images
  double score = 0;     // max of the anomaly map (the paper's image score; reaches 1.0)
  // max of −log10 NFA: an image score that keeps ranking strong detections where `score`
  // has saturated at 1.0; > 0 when the image has a detection.
  double max_neg_log_nfa = 0;
};

struct EvalResult {
  int64_t images = 0, anomalous = 0, size = 0;            // size: T of the T×T maps
  std::optional<double> image_auroc, pixel_auroc, aupro;  // empty when undefined (one class)
  // Pixel metrics are empty (n/a) when the test set has image labels only (no masks).
  std::optional<double> miou_nfa;  // at log NFA = 0
  // The best mIoU over all thresholds; empty when no test pixel is anomalous (then detecting
  // nothing is trivially perfect and the number says nothing about the model).
  std::optional<double> miou_oracle, oracle_threshold;
  metrics::Curve image_roc, pixel_roc;
  std::vector<std::string> notes;  // why a metric is missing
};

// Pixel metrics need a mask for every anomalous image (has_pixel_labels); without, they are
// left empty with a note, never computed against all-zero masks.
EvalResult evaluate(const std::vector<Prediction>& preds);
// metrics.json text.
std::string eval_json(const std::string& category, const EvalResult& r);
// metrics.csv text: a header and one row per category (category, images, anomalous_images,
// image_auroc, pixel_auroc, aupro_0.3, miou_nfa0, miou_oracle, miou_oracle_threshold), "n/a"
// for a metric that is undefined.
std::string metrics_csv(const std::vector<std::pair<std::string, EvalResult>>& rows);
// Reads metrics.csv back (the scalar metrics; no curves). Throws naming the file and row.
std::vector<std::pair<std::string, EvalResult>> read_metrics_csv(const std::string& path);

}  // namespace uflow::app
