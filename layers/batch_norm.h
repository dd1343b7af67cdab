// BatchNorm2d in evaluation mode, with PyTorch's parameter names: the running statistics
// normalise (y = (x − running_mean) / sqrt(running_var + eps) · weight + bias per channel).
// Used by frozen ResNet extractors, so there is no training mode (batch statistics) here; the
// running statistics are held as parameters so that weight files load them by name.
#pragma once
#include "layers/module.h"

namespace uflow {

class BatchNorm2d : public Module {
 public:
  explicit BatchNorm2d(int64_t channels, double eps = 1e-5);
  // x: (B, C, H, W).
  Tensor forward(const Tensor& x) const;

 private:
  Tensor weight_, bias_, running_mean_, running_var_;
  double eps_;
};

}  // namespace uflow
