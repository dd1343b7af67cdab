// What training and inference need from a frozen multi-scale feature extractor: images in,
// one feature map per scale out (finest first, each scale half the size of the one before, as
// the U-shaped flow takes them: docs/u-flow.md), and the shapes of those maps. Implemented by
// the MS-CaiT (layers/ms_cait.h) and the ResNet extractors (layers/resnet_extractor.h).
#pragma once
#include <vector>

#include "tensor/tensor.h"

namespace uflow {

class FeatureExtractor {
 public:
  virtual ~FeatureExtractor() = default;
  // images: (B, 3, S, S) normalised, S = input_size(). Returns one (B, C_s, H_s, W_s) map per
  // scale, finest first. Runs without recording gradients.
  virtual std::vector<Tensor> forward(const Tensor& images) const = 0;
  // Feature shapes (C, H, W) per scale, finest first.
  virtual std::vector<Shape> feature_shapes() const = 0;
  // Side of the square images forward expects.
  virtual int64_t input_size() const = 0;
  virtual void to(Device d) = 0;
  size_t scales() const { return feature_shapes().size(); }
};

}  // namespace uflow
