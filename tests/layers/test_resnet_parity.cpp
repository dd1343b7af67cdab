// ResNet feature extractors against timm 0.9.16's own resnet18 and wide_resnet50_2
// (features_only, out_indices (1, 2, 3)) in evaluation mode: layer1, layer2 and layer3 outputs in
// float32 and float64. The fixtures (tools/reference/resnet_reference.py) store no weights:
// both sides set every state_dict tensor from the same formula (see that script), here in
// resnet_test_weights.h. The key sets must agree exactly.
#include "layers/resnet.h"
#include "parity_util.h"
#include "resnet_test_weights.h"
#include "weights/hdf5_file.h"

using namespace uflow;
using uflow::test::fixture_path;

namespace {

void parity_case(const ResNetConfig& cfg, DType dtype) {
  H5File f(fixture_path("resnet/" + cfg.name + ".h5"), 'r');
  Generator gen(0);
  ResNetFeatures model(cfg, gen);
  REQUIRE(test::set_formula_weights(model) == f.attr_string("names"));
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
