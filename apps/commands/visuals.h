// The pictures uflow writes: heat-map overlays, NFA maps, detection masks.
#pragma once
#include "tensor/tensor.h"

namespace uflow::app {

// Anomaly map (T, T) in [0, 1] as a jet overlay on the image (3, T, T).
Tensor overlay_anomaly(const Tensor& image, const Tensor& anomaly_map);
// −log10 NFA (T, T) as colours: values <= 0 (not detected) dark blue, rising to red at 30.
Tensor render_nfa(const Tensor& neg_log_nfa);
// Detected pixels (score > 0) tinted red on the image; (3, T, T).
Tensor overlay_mask(const Tensor& image, const Tensor& mask01);
// A 0/1 (T, T) mask as a grey (3, T, T) picture.
Tensor render_mask(const Tensor& mask01);

}  // namespace uflow::app
