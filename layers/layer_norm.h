// LayerNorm over the last dim with affine weight and bias (PyTorch init: ones and zeros).
#pragma once
#include "layers/module.h"

namespace uflow {

class LayerNorm : public Module {
 public:
  explicit LayerNorm(int64_t dim, double eps = 1e-5);
  Tensor forward(const Tensor& x) const { return layer_norm(x, 1, weight_, bias_, eps_); }

 private:
  Tensor weight_, bias_;
  double eps_;
};

}  // namespace uflow
