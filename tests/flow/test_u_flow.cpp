// The U-shaped flow: shapes, parameter count at the paper's shapes, invertibility, log-det,
// gradients and the loss; the optional feature LayerNorms of the ResNet extractors.
#include "flow/loss.h"
#include "flow/u_flow.h"
#include "flow_test_util.h"
#include "test_util.h"

using namespace uflow;

namespace {

UFlowConfig tiny_config(std::vector<Shape> features) {
  UFlowConfig c;
  c.features = std::move(features);
  c.steps = 2;
  return c;
}

}  // namespace

TEST_CASE("UFlow at the MS-CaiT shapes has the paper's latent sizes and parameter count") {
  UFlowConfig c;
  c.features = {{768, 28, 28}, {384, 14, 14}};
  Generator gen(0);
  UFlow flow(c, gen);
  const auto shapes = flow.latent_shapes();
  REQUIRE(shapes.size() == 2);
  CHECK(shapes[0] == Shape{816, 28, 28});
  CHECK(shapes[1] == Shape{192, 14, 14});
  CHECK(flow.parameter_count() == 12216480);
  // Reference module indices: scale-2 blocks 0..3, split/up/cat 4..6, scale-1 blocks 7..10.
  CHECK_NOTHROW(flow.parameter("module_list.0.global_scale"));
  CHECK_NOTHROW(flow.parameter("module_list.10.subnet.2.bias"));
  CHECK_THROWS_AS(flow.parameter("module_list.4.global_scale"), Error);
}

TEST_CASE("UFlow inverse recovers the features, two and three scales (f64)") {
  for (auto feats : std::vector<std::vector<Shape>>{{{6, 8, 8}, {16, 4, 4}},
                                                    {{4, 8, 8}, {8, 4, 4}, {16, 2, 2}}}) {
    Generator gen(21);
    UFlow flow(tiny_config(feats), gen);
    flow.to(DType::f64);
    std::vector<Tensor> x;
    for (const Shape& s : feats) x.push_back(gen.normal({2, s[0], s[1], s[2]}, 0, 1, DType::f64));
    UFlowOut f = flow.forward(x);
    int64_t latent = 0, feature = 0;
    for (size_t s = 0; s < feats.size(); ++s) {
      latent += f.z[s].numel();
      feature += x[s].numel();
    }
    CHECK(latent == feature);
    UFlowOut r = flow.inverse(f.z);
    for (size_t s = 0; s < feats.size(); ++s) CHECK_CLOSE(r.z[s], x[s], 1e-10, 1e-10);
    CHECK_CLOSE(r.log_det, kernels::unary(UnaryOp::neg, f.log_det), 1e-9, 1e-10);
  }
}

TEST_CASE("UFlow log-det equals log|det J| of the whole graph") {
  const std::vector<Shape> feats{{2, 4, 4}, {8, 2, 2}};
  Generator gen(4);
  UFlow flow(tiny_config(feats), gen);
  flow.to(DType::f64);
  Tensor x1 = gen.normal({1, 2, 4, 4}, 0, 1, DType::f64);
  Tensor x2 = gen.normal({1, 8, 2, 2}, 0, 1, DType::f64);
  const int64_t n1 = x1.numel();
  Tensor packed = cat({flatten(x1), flatten(x2)}, 0);
  auto f = [&](const Tensor& v) {
    Tensor a = reshape(narrow(v, 0, 0, n1), {1, 2, 4, 4});
    Tensor b = reshape(narrow(v, 0, n1, v.numel() - n1), {1, 8, 2, 2});
    UFlowOut o = flow.forward({a, b});
    return cat({flatten(o.z[0]), flatten(o.z[1])}, 0);
  };
  auto J = test::jacobian(f, packed);
  const double brute = test::log_abs_det(J, packed.numel());
  CHECK(flow.forward({x1, x2}).log_det.item() == doctest::Approx(brute).epsilon(1e-10));
}

TEST_CASE("UFlow gradcheck through the whole graph and the loss") {
  const std::vector<Shape> feats{{2, 4, 4}, {8, 2, 2}};
  Generator gen(8);
  UFlowConfig cfg = tiny_config(feats);
  cfg.steps = 1;
  UFlow flow(cfg, gen);
  flow.to(DType::f64);
  Tensor x1 = gen.normal({2, 2, 4, 4}, 0, 1, DType::f64);
  Tensor x2 = gen.normal({2, 8, 2, 2}, 0, 1, DType::f64);
  x1.set_requires_grad(true);
  x2.set_requires_grad(true);
  std::vector<Tensor> inputs{x1, x2};
  for (const Tensor& p : flow.parameters()) inputs.push_back(p);
  auto f = [&](const std::vector<Tensor>& in) {
    UFlowOut o = flow.forward({in[0], in[1]});
    return reshape(nll_loss(o.z, o.log_det), {1});
  };
  CHECK_GRADCHECK(f, inputs);
}

TEST_CASE("UFlow with feature LayerNorms: parameters, inverse, gradcheck through them (f64)") {
  // Three scales as the ResNet extractors give them; the LayerNorms normalise over (C, H, W).
  const std::vector<Shape> feats{{2, 4, 4}, {8, 2, 2}, {8, 1, 1}};
  Generator gen(9);
  UFlowConfig cfg = tiny_config(feats);
  cfg.steps = 1;
  cfg.feature_norm = true;
  UFlow flow(cfg, gen);
  for (size_t s = 0; s < feats.size(); ++s) {
    const std::string n = "feature_norms." + std::to_string(s);
    CHECK(flow.parameter(n + ".weight").shape() == feats[s]);
    CHECK(flow.parameter(n + ".bias").shape() == feats[s]);
  }
  UFlowConfig plain = cfg;
  plain.feature_norm = false;
  Generator gen_plain(9);
  CHECK(flow.parameter_count() - UFlow(plain, gen_plain).parameter_count() == 2 * (32 + 32 + 8));
  flow.to(DType::f64);
  // Affine parameters away from their ones/zeros start, so the gradcheck sees them act.
  for (const auto& [name, p] : flow.named_parameters())
    if (name.rfind("feature_norms.", 0) == 0)
      flow.set_parameter(
          name, kernels::affine_scalar(gen.normal(p.shape(), 0, 1, DType::f64), 0.3,
                                       name.find(".weight") != std::string::npos ? 1.0 : 0.0));
  std::vector<Tensor> x;
  for (const Shape& s : feats)
    x.push_back(
        kernels::affine_scalar(gen.normal({2, s[0], s[1], s[2]}, 0, 1, DType::f64), 3.0, 1.5));
  // Each sample of each scale is normalised over its three trailing dims (C, H, W).
  const std::vector<Tensor> normalized = flow.normalize(x);
  REQUIRE(normalized.size() == 3);
  for (size_t s = 0; s < feats.size(); ++s) {
    const std::string n = "feature_norms." + std::to_string(s);
    CHECK_CLOSE(
        normalized[s],
        layer_norm(x[s], 3, flow.parameter(n + ".weight"), flow.parameter(n + ".bias"), 1e-5), 0,
        0);
  }
  // The blocks see the normalised features; the inverse gives them back.
  UFlowOut f = flow.forward(x);
  UFlowOut r = flow.inverse(f.z);
  for (size_t s = 0; s < feats.size(); ++s) CHECK_CLOSE(r.z[s], normalized[s], 1e-10, 1e-10);

  for (Tensor& t : x) t.set_requires_grad(true);
  std::vector<Tensor> inputs = x;
  for (const Tensor& p : flow.parameters()) inputs.push_back(p);
  auto loss = [&](const std::vector<Tensor>& in) {
    UFlowOut o = flow.forward({in[0], in[1], in[2]});
    return reshape(nll_loss(o.z, o.log_det), {1});
  };
  CHECK_GRADCHECK(loss, inputs);
}

TEST_CASE("nll_loss: current and legacy variants on known values") {
  // z = all ones: 0.5·Σz² per sample = 0.5·(8 + 2) = 5.
  std::vector<Tensor> z{kernels::ones({2, 2, 2, 2}, DType::f64),
                        kernels::ones({2, 2, 1, 1}, DType::f64)};
  Tensor ld = Tensor::from_vector({1.0, 3.0}, {2}, DType::f64);
  CHECK(nll_loss(z, ld).item() == doctest::Approx(5.0 - 2.0));
  CHECK(nll_loss(z, ld, LossVariant::legacy).item() == doctest::Approx(10.0 - 2.0));
}

TEST_CASE("UFlow NLL per dimension of N(0,1) latents is near 0.5") {
  // Mapping z ~ N(0,1) back to features and forward again must give latents whose quadratic
  // term per dimension is 0.5 ± sampling error.
  const std::vector<Shape> feats{{8, 8, 8}, {16, 4, 4}};
  Generator gen(31);
  UFlow flow(tiny_config(feats), gen);
  std::vector<Tensor> f = flow.sample(4, gen);
  UFlowOut o = flow.forward(f);
  double quad = 0;
  int64_t dims = 0;
  for (const Tensor& z : o.z) {
    for (double v : z.to_vector()) quad += 0.5 * v * v;
    dims += z.numel();
  }
  CHECK(quad / dims == doctest::Approx(0.5).epsilon(0.05));
}

TEST_CASE("UFlow rejects inconsistent feature shapes") {
  Generator gen(1);
  CHECK_THROWS_WITH_AS(UFlow(tiny_config({{4, 8, 8}, {8, 3, 3}}), gen),
                       doctest::Contains("twice the size"), Error);
  UFlow flow(tiny_config({{4, 8, 8}, {8, 4, 4}}), gen);
  CHECK_THROWS_WITH_AS(flow.forward({kernels::zeros({1, 4, 8, 8})}),
                       doctest::Contains("1 feature maps for 2 scales"), Error);
}
