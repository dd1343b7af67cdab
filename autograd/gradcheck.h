// Backprop against central finite differences, in float64 on the CPU.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "tensor/tensor.h"

namespace uflow {

struct GradcheckResult {
  bool ok = true;
  double max_abs_error = 0;  // worst |analytic - numeric| over all checked elements
  std::string worst;         // "input 1, element 7: analytic 0.3 numeric 0.31"
};

// f maps the inputs to one tensor. Every input must be an f64 CPU leaf with requires_grad set.
// The check projects the output on fixed random weights w (L = Σ w·f) and compares dL/dx from
// backward() with (L(x+eps) - L(x-eps)) / 2eps for every element of every input, requiring
// |a - n| <= atol + rtol·|n|.
GradcheckResult gradcheck(const std::function<Tensor(const std::vector<Tensor>&)>& f,
                          const std::vector<Tensor>& inputs, double eps = 1e-6, double atol = 1e-5,
                          double rtol = 1e-4);

}  // namespace uflow
