// Colour maps for anomaly maps and overlays.
#pragma once
#include "tensor/tensor.h"

namespace uflow {

// (H, W) or (1, H, W) values, mapped linearly from [lo, hi] to the "jet" colours -> (3, H, W).
Tensor colormap_jet(const Tensor& map, double lo, double hi);
// alpha·colour + (1 − alpha)·image, both (3, H, W) in [0, 1].
Tensor blend(const Tensor& image, const Tensor& colour, double alpha);

}  // namespace uflow
