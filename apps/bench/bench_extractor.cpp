// `uflow bench extractor`: the MS-CaiT forward per image and the rate it reaches against a
// plain GEMM measured in the same run. The paper configuration is built with seeded random
// weights: the work (and so the speed) does not depend on the weight values, and the bench
// needs no weight files.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "apps/bench/bench.h"
#include "apps/bench/bench_util.h"
#include "apps/cli/args.h"
#include "apps/commands/device_option.h"
#include "apps/model/model_spec.h"
#include "tensor/cuda/graph.h"
#include "tensor/cuda/math_mode.h"
#include "tensor/ops.h"

namespace uflow::app {
namespace {

// Multiply-adds of one image through patch embedding and blocks 0..tap (final norm, GELU,
// softmax and LayerNorms are not counted: they are a fraction of a percent here).
// Per block with N tokens, width D, H heads: qkv 3ND², logits and P·v 2N²D, the two
// talking-heads mixes 2H²N², output projection ND², MLP 8ND².
double cait_macs(const CaitConfig& c, int64_t tap) {
  const double n = static_cast<double>(c.tokens()), d = static_cast<double>(c.dim),
               h = static_cast<double>(c.heads), hidden = d * c.mlp_ratio;
  const double patch = n * d * 3.0 * static_cast<double>(c.patch * c.patch);
  const double block =
      4.0 * n * d * d + 2.0 * n * n * d + 2.0 * h * h * n * n + 2.0 * n * d * hidden;
  return patch + static_cast<double>(tap + 1) * block;
}

double ms_cait_macs(const MsCaitConfig& cfg) {
  double macs = 0;
  for (const MsCaitScale& s : cfg.scales) macs += cait_macs(s.model, s.tap);
  return macs;
}

}  // namespace

const bench::ModelBenchDefaults kDefaults{"1", "1,16", 3, 10, 1, 3};

int bench_extractor(const std::vector<std::string>& argv) {
  Args args("bench extractor",
            "Times the MS-CaiT feature extractor forward (seeded random weights; speed does not\n"
            "depend on the values) and reports ms per image and GFLOP/s against a square f32\n"
            "GEMM measured in the same run. Medians after warm-up; nothing here asserts.");
  args.option("config", "paper|small", "paper",
              "paper: cait_m48_448 to block 40 + cait_s24_224 to block 20; small: the demo's "
              "D 192 pair");
  bench::add_model_bench_options(args, kDefaults, "forward");
  if (!args.parse(argv)) return 0;
  ModelSpec spec;  // the defaults of the small extractor are the demo's
  spec.extractor = parse_extractor_kind(args.str("config"), "bench extractor: --config");
  const MsCaitConfig cfg = extractor_config(spec);
  const bench::ModelBenchSetup setup = bench::model_bench_setup(args, kDefaults, "bench extractor");

  const double flops = 2.0 * ms_cait_macs(cfg);
  std::printf("extractor: %s (", to_string(spec.extractor));
  for (size_t i = 0; i < cfg.scales.size(); ++i) {
    const MsCaitScale& s = cfg.scales[i];
    std::printf("%s%s %lldx%lld blocks 0..%lld", i ? ", " : "", s.model.name.c_str(),
                static_cast<long long>(s.model.img_size), static_cast<long long>(s.model.img_size),
                static_cast<long long>(s.tap));
  }
  std::printf("); estimated %.1f GFLOP per image (%.1f GMAC)\n", flops * 1e-9, flops * 0.5e-9);
  std::fflush(stdout);

  Generator gen(1);
  std::unique_ptr<MsCaitExtractor> extractor;
  const double t_build = bench::seconds_of([&] {
    extractor = std::make_unique<MsCaitExtractor>(cfg, gen);
    extractor->to(setup.device);
  });
  std::printf("extractor built (random weights) and placed on %s in %.1f s\n",
              device_name(setup.device), t_build);

  for (const int64_t b : setup.batches) {
    const int64_t s = cfg.input_size();
    const Tensor images =
        kernels::rand_normal({b, 3, s, s}, 5, 0, 0.0, 1.0, DType::f32, setup.device);
    const double t = bench::median_seconds([&] { (void)extractor->forward(images); }, setup.warmup,
                                           setup.runs, setup.device);
    const double per_image = t / static_cast<double>(b);
    const double gflops = flops / per_image * 1e-9;
    std::printf(
        "extractor %s forward, %s, batch %lld: %.2f ms/image (%.2f images/s), "
        "%.1f GFLOP/s = %.0f%% of the GEMM ceiling  [median of %d]\n",
        to_string(spec.extractor), device_name(setup.device), static_cast<long long>(b),
        per_image * 1e3, 1.0 / per_image, gflops, 100.0 * gflops / setup.ceiling.gflops,
        setup.runs);
    bench::print_result("extractor", to_string(spec.extractor), setup.device, b, per_image * 1e3,
                        gflops);
    if (setup.graph) {
      // The timed calls above were the warm-up the capture needs (tensor/cuda/graph.h).
      std::vector<Tensor> features;
      cuda::Graph graph;
      graph.capture([&] { features = extractor->forward(images); });
      const double tg =
          bench::median_seconds([&] { graph.replay(); }, setup.warmup, setup.runs, setup.device) /
          static_cast<double>(b);
      std::printf(
          "extractor %s forward, %s, batch %lld, CUDA graph: %.2f ms/image (%.2f images/s), "
          "%.1f GFLOP/s  [median of %d]\n",
          to_string(spec.extractor), device_name(setup.device), static_cast<long long>(b), tg * 1e3,
          1.0 / tg, flops / tg * 1e-9, setup.runs);
      bench::print_result("extractor", std::string(to_string(spec.extractor)) + "+graph",
                          setup.device, b, tg * 1e3, flops / tg * 1e-9);
    }
    if (setup.profile)
      bench::print_profile(std::string("extractor ") + to_string(spec.extractor) + " forward, " +
                               device_name(setup.device) + ", batch " + std::to_string(b),
                           [&] { (void)extractor->forward(images); });
  }
  return 0;
}

}  // namespace uflow::app
