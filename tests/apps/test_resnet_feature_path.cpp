// The whole feature path of a ResNet model against timm and PyTorch
// (tools/reference/resnet_reference.py, resnet18_feature_path.h5): the extractor that
// build_extractor makes for --extractor resnet18 (layers 1-3), then the flow's feature
// LayerNorms over (C, H, W) (UFlow::normalize) with the reference's torch.nn.LayerNorm, in
// float64 and float32. Weights and LayerNorm parameters come from the fixture script's formula
// (resnet_test_weights.h), so that the affine part is not the identity.
#include "apps/model/model_spec.h"
#include "layers/resnet_test_weights.h"
#include "parity_util.h"
#include "weights/hdf5_file.h"

using namespace uflow;

namespace {

void feature_path_case(DType dtype) {
  H5File f(test::fixture_path("resnet/resnet18_feature_path.h5"), 'r');
  app::ModelSpec spec;
  spec.extractor = app::ExtractorKind::resnet18;
  spec.random_backbone = true;
  spec.input_size = 32;
  std::unique_ptr<FeatureExtractor> extractor = app::build_extractor(spec);
  ResNetFeatures& backbone = dynamic_cast<ResNetExtractor&>(*extractor).model();
  REQUIRE(test::set_formula_weights(backbone) == f.attr_string("names"));
  backbone.to(dtype);
  std::unique_ptr<UFlow> flow = app::build_flow(spec);
  REQUIRE(flow->config().feature_norm);
  flow->to(DType::f64);
  for (int64_t s = 0; s < 3; ++s) {
    const std::string n = "feature_norms." + std::to_string(s);
    const Shape shape = flow->parameter(n + ".weight").shape();
    flow->set_parameter(n + ".weight", test::formula_value("weight", shape, 1000 + 2 * s));
    flow->set_parameter(n + ".bias", test::formula_value("bias", shape, 1001 + 2 * s));
  }
  flow->to(dtype);
  flow->requires_grad(false);
  CHECK(f.attr_double("eps") == 1e-5);

  const Tensor x = kernels::to_dtype(f.read_tensor("input"), dtype);
  const std::vector<Tensor> out = flow->normalize(extractor->forward(x));
  REQUIRE(out.size() == 3);
  const std::string prefix = dtype == DType::f32 ? "f32/" : "f64/";
  const std::string label =
      std::string("resnet18+LayerNorm ") + (dtype == DType::f32 ? "f32" : "f64");
  // float32: the features' conv sums in another order than PyTorch's, then normalised.
  const double rtol = dtype == DType::f32 ? 1e-4 : 1e-11;
  for (size_t i = 0; i < 3; ++i) {
    const std::string name = "feature" + std::to_string(i);
    CHECK_PARITY(label, name, kernels::to_dtype(out[i], DType::f64), f.read_tensor(prefix + name),
                 rtol);
  }
}

}  // namespace

TEST_CASE("resnet18 features through the flow's LayerNorms match timm + torch.nn.LayerNorm") {
  feature_path_case(DType::f64);
  feature_path_case(DType::f32);
}
