// Conv2d with PyTorch's parameter layout: weight (out, in/groups, kh, kw), bias (out).
#pragma once
#include "layers/module.h"
#include "tensor/generator.h"

namespace uflow {

class Conv2d : public Module {
 public:
  Conv2d(int64_t in, int64_t out, int64_t kernel, const Conv2dOptions& opt, bool bias,
         Generator& gen);
  Tensor forward(const Tensor& x) const { return uflow::conv2d(x, weight_, bias_, opt_); }
  const Conv2dOptions& options() const { return opt_; }

 private:
  Tensor weight_, bias_;
  Conv2dOptions opt_;
};

}  // namespace uflow
