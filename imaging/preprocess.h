// Pre-processing of the reference: RGB in [0, 1] -> resize to the model size (antialiased
// bilinear when shrinking, as torchvision's resize with antialias) -> ImageNet normalisation.
#pragma once
#include <array>

#include "tensor/tensor.h"

namespace uflow {

struct Normalization {
  std::array<float, 3> mean{0.485f, 0.456f, 0.406f};
  std::array<float, 3> std{0.229f, 0.224f, 0.225f};
};

// (3, H, W) or (B, 3, H, W) in [0, 1] -> same rank at size × size.
Tensor resize_image(const Tensor& img, int64_t size);
// (x - mean) / std per channel; (3, H, W) or (B, 3, H, W).
Tensor normalize_image(const Tensor& img, const Normalization& norm = {});
// Both, for a single decoded image; returns (1, 3, size, size).
Tensor preprocess_image(const Tensor& rgb, int64_t size, const Normalization& norm = {});

}  // namespace uflow
