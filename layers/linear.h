// Linear: y = x·Wᵀ + b over the last dim, W stored (out, in) as in PyTorch.
#pragma once
#include "layers/module.h"
#include "tensor/generator.h"

namespace uflow {

class Linear : public Module {
 public:
  // PyTorch's default init; timm-style models re-initialise afterwards.
  Linear(int64_t in, int64_t out, bool bias, Generator& gen);
  Tensor forward(const Tensor& x) const { return linear(x, weight_, bias_); }
  int64_t in_features() const { return weight_.size(1); }
  int64_t out_features() const { return weight_.size(0); }
  const Tensor& weight() const { return weight_; }
  const Tensor& bias() const { return bias_; }  // undefined without a bias

 private:
  Tensor weight_, bias_;
};

}  // namespace uflow
