// Per-pixel anomaly score from the latents: per scale p = exp(−0.5 · mean_c z²), bilinearly
// resized to T×T (align_corners=False), averaged over scales; the map is 1 − that mean
// (docs/u-flow.md §6).
#pragma once
#include <vector>

#include "autograd/ops.h"

namespace uflow {

// z: per scale (B, C, H, W). Returns (B, 1, T, T).
Tensor anomaly_map(const std::vector<Tensor>& z, int64_t size);
// Image score = max of the map, (B,).
Tensor image_scores(const Tensor& map);

}  // namespace uflow
