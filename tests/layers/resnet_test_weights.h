// The weights of the ResNet fixtures (tools/reference/resnet_reference.py), which store none:
// both sides set every state_dict tensor from the same formula, evaluated here for tensor j
// (its index among the sorted names). See that script for the formula.
#pragma once
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "layers/module.h"

namespace uflow::test {

inline bool ends_with(const std::string& s, const std::string& end) {
  return s.size() >= end.size() && s.compare(s.size() - end.size(), end.size(), end) == 0;
}

inline Tensor formula_value(const std::string& name, const Shape& shape, int64_t j) {
  const int64_t n = shape_numel(shape);
  std::vector<double> v(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) {
    const double s = std::sin(0.61 * double(i) + 1.7 * double(j) + 0.3);
    if (ends_with(name, "running_var"))
      v[i] = 1.0 + 0.5 * s * s;
    else if (ends_with(name, "running_mean"))
      v[i] = 0.1 * s;
    else if (shape.size() == 4)
      v[i] = s * 1.7 / std::sqrt(double(n / shape[0]));
    else if (ends_with(name, "weight"))
      v[i] = 1.0 + 0.2 * s;
    else
      v[i] = 0.1 * s;
  }
  return Tensor::from_vector(v, shape, DType::f64);
}

// Moves the model to float64 and sets every parameter from the formula, j by sorted name.
// Returns the sorted names, one a line, to compare with the fixture's `names` attribute.
inline std::string set_formula_weights(Module& model) {
  model.to(DType::f64);
  std::vector<std::string> names;
  for (const auto& [name, p] : model.named_parameters()) names.push_back(name);
  std::sort(names.begin(), names.end());
  std::string joined;
  for (size_t j = 0; j < names.size(); ++j) {
    joined += (joined.empty() ? "" : "\n") + names[j];
    model.set_parameter(names[j],
                        formula_value(names[j], model.parameter(names[j]).shape(), int64_t(j)));
  }
  return joined;
}

}  // namespace uflow::test
