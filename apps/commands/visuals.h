// The pictures uflow writes: heat-map overlays, NFA maps, detection masks, and the colour
// scales that explain them (sampled for the report's colour bars).
#pragma once
#include <array>
#include <string>
#include <utility>
#include <vector>

#include "tensor/tensor.h"

namespace uflow::app {

using Rgb = std::array<float, 3>;

// −log10 NFA spans from about −log10(number of tests) (no evidence) to thousands (a strong
// defect), with the detection threshold at 0 (NFA = 1). It is shown on a signed log scale,
// s = sign(v)·log10(1 + |v|), so that the threshold and both tails stay readable: values <= 0
// (not detected) in blues that darken away from the threshold, values > 0 (detected) from
// yellow through red to dark red. lo < 0 < hi are the −log10 NFA values at the two ends.
struct NfaScale {
  double lo = -10.0;
  double hi = 1e4;
};
double signed_log10(double v);
// The scale that covers `values` (−log10 NFA), its ends rounded out to whole decades.
NfaScale nfa_scale_covering(double min_value, double max_value);
Rgb nfa_colour(double neg_log_nfa, const NfaScale& scale);
// The same colours at evenly spaced points from lo to hi, and tick marks (position in [0, 1]
// along the bar, label) at 0 and at the decades inside the scale.
std::vector<Rgb> nfa_colour_bar(const NfaScale& scale, int samples);
std::vector<std::pair<double, std::string>> nfa_ticks(const NfaScale& scale);

// Anomaly map (T, T) in [0, 1] as a jet overlay on the image (3, T, T).
Tensor overlay_anomaly(const Tensor& image, const Tensor& anomaly_map);
// The jet colours from 0 to 1, for the anomaly map's colour bar.
std::vector<Rgb> anomaly_colour_bar(int samples);
// −log10 NFA (T, T) in the colours of nfa_colour; (3, T, T).
Tensor render_nfa(const Tensor& neg_log_nfa, const NfaScale& scale = {});
// Detected pixels (score > 0) tinted red on the image; (3, T, T).
Tensor overlay_mask(const Tensor& image, const Tensor& mask01);
// A 0/1 (T, T) mask as a grey (3, T, T) picture.
Tensor render_mask(const Tensor& mask01);

}  // namespace uflow::app
