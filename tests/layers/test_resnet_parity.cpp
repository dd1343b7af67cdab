// ResNet feature extractors against timm 0.9.16's own resnet18 and wide_resnet50_2
// (features_only, out_indices (1, 2, 3)) in evaluation mode: layer1, layer2 and layer3 outputs in
// float32 and float64. The fixtures (tools/reference/resnet_reference.py) store no weights:
// both sides set every state_dict tensor from the same formula (see that script), here in
// formula_value. The key sets must agree exactly.
#include <algorithm>
#include <cmath>

#include "layers/resnet.h"
#include "parity_util.h"
#include "weights/hdf5_file.h"

using namespace uflow;
using uflow::test::fixture_path;

namespace {

bool ends_with(const std::string& s, const std::string& end) {
  return s.size() >= end.size() && s.compare(s.size() - end.size(), end.size(), end) == 0;
}

// The fixture script's formula for tensor j (its index among the sorted names).
Tensor formula_value(const std::string& name, const Shape& shape, int64_t j) {
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

void parity_case(const ResNetConfig& cfg, DType dtype) {
  H5File f(fixture_path("resnet/" + cfg.name + ".h5"), 'r');
  Generator gen(0);
  ResNetFeatures model(cfg, gen);
  model.to(DType::f64);
  std::vector<std::string> names;
  for (const auto& [name, p] : model.named_parameters()) names.push_back(name);
  std::sort(names.begin(), names.end());
  std::string joined;  // the fixture's sorted names, one a line
  for (const std::string& n : names) joined += (joined.empty() ? "" : "\n") + n;
  REQUIRE(joined == f.attr_string("names"));
  for (size_t j = 0; j < names.size(); ++j)
    model.set_parameter(names[j],
                        formula_value(names[j], model.parameter(names[j]).shape(), int64_t(j)));
  model.to(dtype);
  model.requires_grad(false);
  const Tensor x = kernels::to_dtype(f.read_tensor("input"), dtype);
  const std::vector<Tensor> out = model.forward(x);
  REQUIRE(out.size() == 3);
  const std::string prefix = dtype == DType::f32 ? "f32/" : "f64/";
  const std::string label = cfg.name + (dtype == DType::f32 ? " f32" : " f64");
  // float32: conv sums of up to 4608 products in another order than PyTorch's.
  const double rtol = dtype == DType::f32 ? 1e-4 : 1e-11;
  for (size_t i = 0; i < 3; ++i) {
    const Tensor ref = f.read_tensor(prefix + "feature" + std::to_string(i));
    CHECK(out[i].size(1) == cfg.channels()[i]);
    const auto c = test::check_parity(label, "feature" + std::to_string(i),
                                      kernels::to_dtype(out[i], DType::f64), ref, rtol);
    INFO(label, " feature", i, ": max abs ", c.max_abs, "; worst: ", c.worst);
    CHECK(c.ok);
  }
}

}  // namespace

TEST_CASE("resnet18 features match timm (f32, f64)") {
  parity_case(resnet18_config(), DType::f64);
  parity_case(resnet18_config(), DType::f32);
}

TEST_CASE("wide_resnet50_2 features match timm (f32, f64)") {
  parity_case(wide_resnet50_2_config(), DType::f64);
  parity_case(wide_resnet50_2_config(), DType::f32);
}
