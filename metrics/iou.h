// Segmentation quality as the U-Flow paper measures it: per-image IoU averaged over ALL test
// images. IoU = (|pred ∧ gt| + ε)/(|pred ∨ gt| + ε) with ε the float64 machine epsilon (the
// authors' value), so a good image with nothing detected counts 1 and a good image with any
// detection ≈ 0; an anomalous image with nothing detected ≈ 0.
// Thresholded predictions are score > threshold (strict, as in the authors' code); "at
// log NFA = 0" means −log10 NFA maps thresholded at 0.
#pragma once
#include <cstdint>
#include <limits>
#include <span>
#include <vector>

namespace uflow::metrics {

inline constexpr double kIouEpsilon = std::numeric_limits<double>::epsilon();

// predictions, masks: images × pixels_per_image, non-zero = anomalous.
double miou(std::span<const uint8_t> predictions, std::span<const uint8_t> masks,
            size_t pixels_per_image);

// mIoU of the predictions score > threshold.
double miou_at_threshold(std::span<const float> scores, std::span<const uint8_t> masks,
                         size_t pixels_per_image, double threshold);

// mIoU at each of a set of thresholds (strictly increasing) in one pass over the pixels.
struct MiouSweep {
  std::vector<double> thresholds, miou;
  size_t best = 0;  // index of the highest mIoU; on ties the highest threshold (fewest detections)
};
MiouSweep miou_sweep(std::span<const float> scores, std::span<const uint8_t> masks,
                     size_t pixels_per_image, std::span<const double> thresholds);

// The authors' candidate thresholds for −log10 NFA maps: −400, −399, …, 1000. The paper's
// "oracle" mIoU is the best of miou_sweep over this grid.
std::vector<double> reference_nfa_thresholds();

// The best single threshold over every distinct score (exact, not a grid): one sort of all
// pixels, then each pixel updates its image's IoU as the threshold decreases, so it is never
// below the best of any grid. threshold is the highest score left undetected (score > threshold
// reproduces the best detection; just below the lowest score when everything is detected); on
// ties the detection with the fewest pixels wins. miou is recomputed directly at that threshold.
struct MiouOracle {
  double miou = 0, threshold = 0;
};
MiouOracle miou_oracle(std::span<const float> scores, std::span<const uint8_t> masks,
                       size_t pixels_per_image);

}  // namespace uflow::metrics
