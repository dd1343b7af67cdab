// What `uflow inspect` measures inside a trained flow on a set of normal inputs:
//   - the architecture, block by block, and each block's share of the log-determinant
//     (docs/coupling.md §5, docs/u-flow.md §4);
//   - how close each scale's latents are to the N(0, 1) the flow was trained towards
//     (docs/u-flow.md §5): channel means and variances, a QQ plot, the Kolmogorov–Smirnov
//     distance, the fraction beyond ±3σ;
//   - invertibility, max |f⁻¹(f(x)) − x|, in float32 and float64 (docs/coupling.md §6);
//   - the a-contrario calibration: mean detections per image against ε for the tree and the
//     block NFA, to compare with the bound "at most ε" (docs/nfa.md §1 and §5).
#pragma once
#include <cstdint>
#include <span>
#include <vector>

#include "apps/model/features.h"
#include "contrario/nfa_method.h"
#include "flow/u_flow.h"

namespace uflow::app {

struct BlockSummary {
  int64_t scale = 0, index = 0;  // scale (0 finest) and position among that scale's blocks
  int64_t kernel = 0, channels = 0, parameters = 0;
  std::vector<int64_t> permutation;  // y[:, o] = v[:, permutation[o]]
  std::vector<double> log_det;       // per image
  double log_det_mean = 0, log_det_std = 0;
};

// One scale's latents against N(0, 1).
struct LatentStats {
  Shape shape;                                    // (C, H, W)
  std::vector<double> channel_mean, channel_var;  // over images and pixels, per channel
  std::vector<double> qq_normal, qq_latent;       // N(0, 1) quantiles and the latents' own
  double ks_distance = 0;                         // sup |F_n − Φ| over the values sampled
  int64_t ks_values = 0;                          // how many values the KS distance and QQ use
  double beyond_3_sigma = 0;                      // fraction of all values with |z| > 3
};

struct Calibration {
  std::vector<double> epsilon;  // 10⁻⁶ … 10³
  // Mean detections per image at each ε: tree NFA as the reference computes it, tree NFA with
  // the guard (no evidence from under-dispersed regions, docs/nfa.md §2 step 3), block NFA.
  std::vector<double> tree, tree_guard, block;
};

struct Inspection {
  int64_t images = 0;
  std::vector<BlockSummary> blocks;  // in the order they run: coarsest scale first
  std::vector<double> log_det;       // the flow's, per image
  std::vector<LatentStats> latents;  // finest first
  double inverse_error_f32 = 0, inverse_error_f64 = 0;
  double feature_max_abs = 0;  // max |x|, the scale the inverse errors compare with
  Calibration calibration;
};

struct InspectOptions {
  int64_t batch = 8;
  Device device = Device::cpu;
  contrario::NfaSettings nfa;      // map size, window, probability (both methods, both guards run)
  int64_t sample_values = 200000;  // per scale, for the KS distance and the QQ plot
};

// Runs the flow over every row of `features`. The flow is converted to float64 for the float64
// inverse and back to float32 after; parameters are otherwise untouched.
Inspection inspect_flow(UFlow& flow, const FeatureSet& features, const InspectOptions& opt);

// Pieces, exposed for the tests.
// Kolmogorov–Smirnov distance between the empirical law of `values` and N(0, 1).
double ks_distance_normal(std::vector<double> values);
// The standard normal quantile Φ⁻¹(p), 0 < p < 1.
double normal_quantile(double p);
// Connected components (8-connectivity) of {score > threshold} in one (T, T) map; NaN is never
// above the threshold.
int64_t count_detections(std::span<const float> score, int64_t side, double threshold);

}  // namespace uflow::app
