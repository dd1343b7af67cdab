// Layers: hierarchical parameter names, float64 gradchecks of every layer, CaiT configs,
// max pooling against a direct loop.
#include <cmath>

#include "layers/cait.h"
#include "layers/max_pool.h"
#include "layers/ms_cait.h"
#include "layers/resnet.h"
#include "test_util.h"

using namespace uflow;

namespace {

// Moves every parameter to f64 and perturbs it, so gradchecks see non-trivial values
// (LayerNorm starts at ones/zeros, layer scales at 1e-5).
void randomize(Module& m, uint64_t seed) {
  m.to(DType::f64);
  Generator gen(seed);
  for (auto& [name, p] : m.named_parameters())
    m.set_parameter(name, gen.normal(p.shape(), 0.0, 0.5, DType::f64));
  m.requires_grad(true);
}

std::vector<Tensor> with_params(const Tensor& x, const Module& m) {
  std::vector<Tensor> in{x};
  for (const Tensor& p : m.parameters()) in.push_back(p);
  return in;
}

Tensor input(const Shape& s, uint64_t seed) {
  Generator gen(seed);
  Tensor x = gen.normal(s, 0.0, 1.0, DType::f64);
  x.set_requires_grad(true);
  return x;
}

}  // namespace

TEST_CASE("Module names parameters hierarchically, in registration order") {
  Generator gen(0);
  LayerScaleBlock block(8, 2, 4.0, 1e-5, 1e-6, gen);
  std::vector<std::string> names;
  for (auto& [n, p] : block.named_parameters()) names.push_back(n);
  const std::vector<std::string> expected{"gamma_1",
                                          "gamma_2",
                                          "norm1.weight",
                                          "norm1.bias",
                                          "attn.qkv.weight",
                                          "attn.qkv.bias",
                                          "attn.proj_l.weight",
                                          "attn.proj_l.bias",
                                          "attn.proj_w.weight",
                                          "attn.proj_w.bias",
                                          "attn.proj.weight",
                                          "attn.proj.bias",
                                          "norm2.weight",
                                          "norm2.bias",
                                          "mlp.fc1.weight",
                                          "mlp.fc1.bias",
                                          "mlp.fc2.weight",
                                          "mlp.fc2.bias"};
  CHECK(names == expected);
  CHECK(block.parameter("attn.qkv.weight").shape() == Shape{24, 8});
  CHECK_THROWS_WITH_AS(block.parameter("attn.nope"), doctest::Contains("attn.nope"), Error);
  CHECK_THROWS_WITH_AS(block.set_parameter("gamma_1", kernels::zeros({3})),
                       doctest::Contains("shape [3] given, [8] expected"), Error);
}

TEST_CASE("gradcheck: Linear, LayerNorm, Mlp") {
  Generator gen(1);
  Linear lin(3, 4, true, gen);
  randomize(lin, 2);
  CHECK_GRADCHECK([&](const std::vector<Tensor>& in) { return lin.forward(in[0]); },
                  with_params(input({2, 3}, 3), lin));
  LayerNorm ln(5, 1e-6);
  randomize(ln, 4);
  CHECK_GRADCHECK([&](const std::vector<Tensor>& in) { return ln.forward(in[0]); },
                  with_params(input({2, 3, 5}, 5), ln));
  Mlp mlp(3, 6, gen);
  randomize(mlp, 6);
  CHECK_GRADCHECK([&](const std::vector<Tensor>& in) { return mlp.forward(in[0]); },
                  with_params(input({2, 3}, 7), mlp));
}

TEST_CASE("Mlp inference over many rows goes in row blocks with the one-pass result") {
  // 3 × 700 = 2100 rows: four blocks of 512 and a partial one. Under no-grad the CPU path runs
  // the blocks (layers/mlp.cpp); with gradients the same rows go through in one pass.
  Generator gen(5);
  Mlp mlp(8, 16, gen);
  randomize(mlp, 14);
  const Tensor x = input({3, 700, 8}, 15);
  const Tensor one_pass = mlp.forward(x);
  REQUIRE(one_pass.requires_grad());  // gradients are recorded: no blocking
  Tensor blocked;
  {
    NoGradGuard no_grad;
    blocked = mlp.forward(x);
  }
  CHECK_FALSE(blocked.requires_grad());
  CHECK(blocked.shape() == Shape{3, 700, 8});
  CHECK_CLOSE(blocked, detach(one_pass), 1e-12, 1e-12);
}

TEST_CASE("gradcheck: TalkingHeadAttn and LayerScaleBlock (heads really mix)") {
  Generator gen(2);
  TalkingHeadAttn attn(6, 3, gen);
  randomize(attn, 8);
  CHECK_GRADCHECK([&](const std::vector<Tensor>& in) { return attn.forward(in[0]); },
                  with_params(input({2, 4, 6}, 9), attn));
  LayerScaleBlock block(4, 2, 2.0, 1e-5, 1e-6, gen);
  randomize(block, 10);
  CHECK_GRADCHECK([&](const std::vector<Tensor>& in) { return block.forward(in[0]); },
                  with_params(input({1, 3, 4}, 11), block));
}

TEST_CASE("gradcheck: PatchEmbed and a whole tiny CaiT up to the tapped features") {
  Generator gen(3);
  PatchEmbed pe(2, 3, 4, gen);
  randomize(pe, 12);
  CHECK_GRADCHECK([&](const std::vector<Tensor>& in) { return pe.forward(in[0]); },
                  with_params(input({1, 3, 4, 4}, 13), pe));
  CaitConfig cfg;
  cfg.name = "tiny";
  cfg.img_size = 4;
  cfg.patch = 2;
  cfg.dim = 4;
  cfg.depth = 2;
  cfg.heads = 2;
  Cait cait(cfg, gen, CaitParts{2, false});
  randomize(cait, 14);
  Tensor x = input({1, 3, 4, 4}, 15);
  CHECK_GRADCHECK([&](const std::vector<Tensor>& in) { return cait.forward_features(in[0], 1); },
                  with_params(x, cait));
}

TEST_CASE("CaiT configs: the ten timm variants and their sizes") {
  CHECK(cait_config_names().size() == 10);
  for (const auto& n : cait_config_names()) CHECK(cait_config(n).name == n);
  CHECK_THROWS_WITH_AS(cait_config("cait_huge"), doctest::Contains("known: cait_xxs24_224"), Error);
  // Parameter counts of docs/extractor.md §2 (full models, class stage included).
  Generator gen(0);
  Cait s24(cait_config("cait_s24_224"), gen);
  CHECK(s24.parameter_count() == 46916200);
  CHECK(s24.forward_features(kernels::zeros({1, 3, 224, 224}), 0).shape() == Shape{1, 384, 14, 14});
}

TEST_CASE("MS-CaiT small config produces finest-first feature maps") {
  Generator gen(5);
  MsCaitExtractor ex(ms_cait_small_config(64, 2, 1), gen);
  auto f = ex.forward(gen.normal({2, 3, 64, 64}, 0, 1));
  REQUIRE(f.size() == 2);
  CHECK(f[0].shape() == Shape{2, 192, 4, 4});
  CHECK(f[1].shape() == Shape{2, 192, 2, 2});
  CHECK(!f[0].requires_grad());
  // Deterministic: the same seed builds the same extractor.
  Generator gen2(5);
  MsCaitExtractor ex2(ms_cait_small_config(64, 2, 1), gen2);
  CHECK(ex.model(0).parameter("blocks.0.attn.qkv.weight").to_vector() ==
        ex2.model(0).parameter("blocks.0.attn.qkv.weight").to_vector());
}

namespace {

// Running variances must stay positive after randomize().
void positive_variances(Module& m) {
  for (auto& [name, p] : m.named_parameters())
    if (name.size() >= 11 && name.compare(name.size() - 11, 11, "running_var") == 0)
      m.set_parameter(name, kernels::affine_scalar(kernels::binary(BinaryOp::mul, p, p), 1.0, 0.5));
}

}  // namespace

TEST_CASE("max_pool2d equals the maximum over each window, padding never winning") {
  Generator gen(20);
  for (const double offset : {0.0, -3.0}) {  // mixed signs, and all negative
    const Tensor x =
        kernels::affine_scalar(gen.normal({2, 3, 7, 6}, 0.0, 1.0, DType::f64), 1.0, offset);
    for (const auto& window : std::vector<std::tuple<int64_t, int64_t, int64_t>>{
             {3, 2, 1}, {2, 2, 0}, {3, 1, 1}, {1, 1, 0}}) {
      // Plain variables: clang's lambdas (INFO) cannot capture a structured binding.
      const int64_t k = std::get<0>(window), s = std::get<1>(window), p = std::get<2>(window);
      const Tensor y = max_pool2d(x, k, s, p);
      const int64_t oh = (7 + 2 * p - k) / s + 1, ow = (6 + 2 * p - k) / s + 1;
      REQUIRE(y.shape() == Shape{2, 3, oh, ow});
      const std::vector<double> xv = x.to_vector(), yv = y.to_vector();
      double worst = 0;
      for (int64_t bc = 0; bc < 6; ++bc)
        for (int64_t i = 0; i < oh; ++i)
          for (int64_t j = 0; j < ow; ++j) {
            double m = -INFINITY;
            for (int64_t a = 0; a < k; ++a)
              for (int64_t b = 0; b < k; ++b) {
                const int64_t r = i * s - p + a, c = j * s - p + b;
                if (r >= 0 && r < 7 && c >= 0 && c < 6) m = std::max(m, xv[(bc * 7 + r) * 6 + c]);
              }
            worst = std::max(worst, std::fabs(yv[(bc * oh + i) * ow + j] - m));
          }
      INFO("kernel ", k, " stride ", s, " padding ", p, " offset ", offset);
      CHECK(worst <= 1e-14);
    }
  }
  CHECK_THROWS_WITH_AS(max_pool2d(kernels::zeros({1, 1, 4, 4}), 3, 2, 2),
                       doctest::Contains("padding at most half the kernel"), Error);
}

TEST_CASE("gradcheck: max_pool2d, BatchNorm2d (eval), residual blocks") {
  // Distinct values (no ties): the pool's gradient is defined everywhere gradcheck probes.
  CHECK_GRADCHECK([](const std::vector<Tensor>& in) { return max_pool2d(in[0], 3, 2, 1); },
                  std::vector<Tensor>{input({1, 2, 5, 6}, 21)});
  CHECK_GRADCHECK([](const std::vector<Tensor>& in) { return max_pool2d(in[0], 2, 2, 0); },
                  std::vector<Tensor>{input({1, 2, 4, 4}, 22)});
  BatchNorm2d bn(3);
  randomize(bn, 23);
  positive_variances(bn);
  CHECK_GRADCHECK([&](const std::vector<Tensor>& in) { return bn.forward(in[0]); },
                  with_params(input({2, 3, 2, 3}, 24), bn));
  Generator gen(25);
  // A basic block whose shortcut downsamples (stride 2, 2 -> 3 channels), and a bottleneck
  // (inner width 2·96/64 = 3, output 8 channels).
  ResidualBlock basic(ResNetBlockKind::basic, 2, 3, 2, 64, gen);
  randomize(basic, 26);
  positive_variances(basic);
  CHECK_GRADCHECK([&](const std::vector<Tensor>& in) { return basic.forward(in[0]); },
                  with_params(input({1, 2, 4, 4}, 27), basic));
  ResidualBlock bottleneck(ResNetBlockKind::bottleneck, 3, 2, 1, 96, gen);
  randomize(bottleneck, 28);
  positive_variances(bottleneck);
  CHECK(bottleneck.parameter("conv2.weight").shape() == Shape{3, 3, 3, 3});
  CHECK(bottleneck.parameter("downsample.0.weight").shape() == Shape{8, 3, 1, 1});
  CHECK_GRADCHECK([&](const std::vector<Tensor>& in) { return bottleneck.forward(in[0]); },
                  with_params(input({1, 3, 2, 2}, 29), bottleneck));
}

TEST_CASE("LayerNorm over (C, H, W): ones and zeros at start, the op over three dims, gradcheck") {
  // The ResNet features' LayerNorm (torch.nn.LayerNorm([C, H, W]), eps 1e-5).
  LayerNorm ln(Shape{3, 2, 4}, 1e-5);
  CHECK(ln.parameter("weight").shape() == Shape{3, 2, 4});
  CHECK(ln.parameter("bias").shape() == Shape{3, 2, 4});
  for (double v : ln.parameter("weight").to_vector()) CHECK(v == 1.0);
  for (double v : ln.parameter("bias").to_vector()) CHECK(v == 0.0);
  randomize(ln, 12);
  const Tensor x = input({2, 3, 2, 4}, 13);
  CHECK_CLOSE(ln.forward(x), layer_norm(x, 3, ln.parameter("weight"), ln.parameter("bias"), 1e-5),
              0, 0);
  // Per sample: mean 0 and variance 1 before the affine part (here with weight 1, bias 0).
  LayerNorm plain(Shape{3, 2, 4}, 1e-5);
  plain.to(DType::f64);
  const std::vector<double> y = plain.forward(x).to_vector();
  for (int64_t b = 0; b < 2; ++b) {
    double s = 0, ss = 0;
    for (int64_t i = 0; i < 24; ++i) s += y[b * 24 + i];
    for (int64_t i = 0; i < 24; ++i) ss += (y[b * 24 + i] - s / 24) * (y[b * 24 + i] - s / 24);
    CHECK(std::abs(s / 24) < 1e-12);
    CHECK(ss / 24 == doctest::Approx(1.0).epsilon(1e-4));  // eps 1e-5 under the square root
  }
  CHECK_GRADCHECK([&](const std::vector<Tensor>& in) { return ln.forward(in[0]); },
                  with_params(input({2, 3, 2, 4}, 14), ln));
}
