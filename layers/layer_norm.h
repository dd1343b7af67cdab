// LayerNorm with affine weight and bias (PyTorch init: ones and zeros), over the last dim or,
// as torch.nn.LayerNorm(normalized_shape), over the trailing dims of the given shape (the
// ResNet features' LayerNorm over (C, H, W)).
#pragma once
#include "layers/module.h"

namespace uflow {

class LayerNorm : public Module {
 public:
  explicit LayerNorm(int64_t dim, double eps = 1e-5);
  explicit LayerNorm(const Shape& normalized_shape, double eps = 1e-5);
  Tensor forward(const Tensor& x) const {
    return layer_norm(x, static_cast<int64_t>(weight_.dim()), weight_, bias_, eps_);
  }

 private:
  Tensor weight_, bias_;
  double eps_;
};

}  // namespace uflow
