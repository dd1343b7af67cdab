// AllInOneBlock: invertibility, exact log-det against a brute-force Jacobian determinant,
// gradients, and every configuration variant.
#include "flow/all_in_one_block.h"
#include "flow_test_util.h"
#include "test_util.h"

using namespace uflow;

namespace {

// A block with parameters moved away from their initial values so every path matters.
std::shared_ptr<AllInOneBlock> make_block(AllInOneConfig cfg, uint64_t seed, DType dtype) {
  Generator gen(seed);
  auto block = std::make_shared<AllInOneBlock>(cfg, gen);
  block->to(dtype);
  for (auto& [name, p] : block->named_parameters()) {
    Tensor noise = gen.normal(
        p.shape(), 0.0,
        name.find("conv") == std::string::npos && name.find("subnet") == std::string::npos ? 0.3
                                                                                           : 0.5,
        dtype);
    block->set_parameter(name, kernels::binary(BinaryOp::add, p, noise));
  }
  return block;
}

std::vector<AllInOneConfig> variants() {
  std::vector<AllInOneConfig> out;
  for (int64_t k : {3, 1})
    for (ClampMode cm : {ClampMode::pinned, ClampMode::scaled})
      for (GlobalAffine ga : {GlobalAffine::softplus, GlobalAffine::sigmoid, GlobalAffine::exp})
        for (bool soft : {false, true}) {
          AllInOneConfig c;
          c.channels = 5;  // odd: split 3 | 2
          c.kernel = k;
          c.clamp_mode = cm;
          c.affine = ga;
          c.soft_permutation = soft;
          out.push_back(c);
        }
  return out;
}

}  // namespace

TEST_CASE("AllInOneBlock initial global scale gives S = affine_init") {
  for (GlobalAffine ga : {GlobalAffine::softplus, GlobalAffine::sigmoid, GlobalAffine::exp}) {
    AllInOneConfig c;
    c.channels = 4;
    c.affine = ga;
    Generator gen(1);
    AllInOneBlock b(c, gen);
    CHECK_CLOSE(b.global_scale_value(), kernels::ones({1, 4, 1, 1}), 1e-6, 1e-6);
  }
  // g0 = 2·log(e⁵ − 1) for SOFTPLUS (docs/coupling.md §3).
  CHECK(AllInOneBlock::global_scale_init(GlobalAffine::softplus, 1.0) ==
        doctest::Approx(9.986478501).epsilon(1e-9));
}

TEST_CASE("AllInOneBlock forward then inverse returns the input (f64 and f32)") {
  for (const AllInOneConfig& cfg : variants()) {
    auto b64 = make_block(cfg, 7, DType::f64);
    Generator gen(3);
    Tensor x = gen.normal({2, cfg.channels, 4, 3}, 0.0, 1.0, DType::f64);
    FlowOut f = b64->forward(x);
    FlowOut r = b64->inverse(f.y);
    INFO("kernel ", cfg.kernel, " soft ", cfg.soft_permutation);
    CHECK_CLOSE(r.y, x, 1e-10, 1e-10);
    CHECK_CLOSE(r.log_det, kernels::unary(UnaryOp::neg, f.log_det), 1e-10, 1e-10);

    auto b32 = make_block(cfg, 7, DType::f32);
    Tensor x32 = kernels::to_dtype(x, DType::f32);
    CHECK_CLOSE(b32->inverse(b32->forward(x32).y).y, x32, 1e-5, 1e-4);
  }
}

TEST_CASE("AllInOneBlock log-det equals log|det J| from the full Jacobian") {
  for (const AllInOneConfig& cfg : variants()) {
    auto block = make_block(cfg, 11, DType::f64);
    Generator gen(5);
    const Shape shape{1, cfg.channels, 3, 2};
    Tensor x = gen.normal(shape, 0.0, 1.0, DType::f64);
    const int64_t n = x.numel();
    auto J = test::jacobian([&](const Tensor& v) { return block->forward(v).y; }, x);
    const double brute = test::log_abs_det(J, n);
    INFO("kernel ", cfg.kernel, " affine ", int(cfg.affine), " soft ", cfg.soft_permutation);
    CHECK(block->forward(x).log_det.item() == doctest::Approx(brute).epsilon(1e-10));
  }
}

TEST_CASE("AllInOneBlock gradcheck w.r.t. input and every parameter") {
  AllInOneConfig cfg;
  cfg.channels = 5;
  cfg.kernel = 3;
  auto block = make_block(cfg, 13, DType::f64);
  Generator gen(9);
  Tensor x = gen.normal({2, 5, 3, 3}, 0.0, 1.0, DType::f64);
  x.set_requires_grad(true);
  std::vector<Tensor> inputs{x};
  for (const Tensor& p : block->parameters()) inputs.push_back(p);
  auto f = [&](const std::vector<Tensor>& in) {
    FlowOut o = block->forward(in[0]);
    return cat({flatten(o.y), o.log_det}, 0);
  };
  CHECK_GRADCHECK(f, inputs);
}

TEST_CASE("AllInOneBlock rejects a bad permutation and a wrong input shape") {
  AllInOneConfig cfg;
  cfg.channels = 4;
  Generator gen(1);
  AllInOneBlock b(cfg, gen);
  CHECK_THROWS_WITH_AS(b.set_permutation({0, 1, 1, 2}), doctest::Contains("not a permutation"),
                       Error);
  CHECK_THROWS_WITH_AS(b.forward(kernels::zeros({1, 3, 2, 2})), doctest::Contains("expected (B, 4"),
                       Error);
}
