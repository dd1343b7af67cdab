// `uflow bench flow`: the U-shaped flow at the paper's MS-CaiT shapes (features 768×28×28 and
// 384×14×14, latents 816×28×28 and 192×14×14), timed two ways per image: the forward alone
// (inference, no tape) and one training step (forward, NLL, backward, Adam). Features are
// random: the work does not depend on their values.
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "apps/bench/bench.h"
#include "apps/bench/bench_util.h"
#include "apps/cli/args.h"
#include "apps/commands/device_option.h"
#include "apps/model/model_spec.h"
#include "flow/loss.h"
#include "layers/adam.h"
#include "tensor/cuda/graph.h"
#include "tensor/cuda/math_mode.h"
#include "tensor/ops.h"

namespace uflow::app {
namespace {

// Multiply-adds of one image through every coupling subnet (two convolutions per block); the
// element-wise coupling, permutation and shuffles are not counted.
double flow_forward_macs(const UFlow& flow) {
  double macs = 0;
  const UFlowConfig& cfg = flow.config();
  for (size_t s = 0; s < cfg.features.size(); ++s) {
    const double pixels = static_cast<double>(cfg.features[s][1] * cfg.features[s][2]);
    for (const auto& block : flow.blocks(s)) {
      const AllInOneConfig& b = block->config();
      const int64_t c1 = b.channels - b.channels / 2, c2 = b.channels / 2;
      const int64_t hidden = static_cast<int64_t>(static_cast<double>(c1) * b.hidden_ratio);
      const double k2 = static_cast<double>(b.kernel * b.kernel);
      macs += pixels * k2 * static_cast<double>(c1 * hidden + hidden * 2 * c2);
    }
  }
  return macs;
}

std::string shapes_text(const std::vector<Shape>& shapes) {
  std::string out;
  for (const Shape& s : shapes) {
    if (!out.empty()) out += ", ";
    out += std::to_string(s[0]) + "x" + std::to_string(s[1]) + "x" + std::to_string(s[2]);
  }
  return out;
}

}  // namespace

const bench::ModelBenchDefaults kDefaults{"8", "1,16,32", 3, 20, 1, 5};

int bench_flow(const std::vector<std::string>& argv) {
  Args args("bench flow",
            "Times the U-flow at the paper's MS-CaiT shapes: the forward alone and one training\n"
            "step (forward + NLL + backward + Adam), per image, medians after warm-up, with\n"
            "GFLOP/s against a square f32 GEMM measured in the same run. Nothing here asserts.");
  bench::add_model_bench_options(args, kDefaults, "step");
  if (!args.parse(argv)) return 0;
  const bench::ModelBenchSetup setup = bench::model_bench_setup(args, kDefaults, "bench flow");

  ModelSpec spec;
  spec.extractor = ExtractorKind::paper;  // only its shapes are used; no weights are read
  const std::unique_ptr<UFlow> flow = build_flow(spec);
  flow->to(setup.device);
  flow->train(true);
  const double fwd_flops = 2.0 * flow_forward_macs(*flow);
  // Backward through a convolution costs two forward convolutions (input and weight grads).
  const double step_flops = 3.0 * fwd_flops;
  std::printf(
      "flow: features %s -> latents %s, %lld blocks per scale, %lld parameters; "
      "estimated %.1f GFLOP per image forward, ~%.1f per training step\n",
      shapes_text(flow->config().features).c_str(), shapes_text(flow->latent_shapes()).c_str(),
      static_cast<long long>(flow->config().steps), static_cast<long long>(flow->parameter_count()),
      fwd_flops * 1e-9, step_flops * 1e-9);
  std::fflush(stdout);

  AdamOptions adam_opt;  // lr 1e-3, coupled weight decay 1e-5, as the reference trains
  Adam adam(flow->parameters(), adam_opt);

  for (const int64_t b : setup.batches) {
    std::vector<Tensor> feats;
    uint64_t offset = 0;
    for (const Shape& f : flow->config().features) {
      feats.push_back(kernels::rand_normal({b, f[0], f[1], f[2]}, 9, offset, 0.0, 1.0, DType::f32,
                                           setup.device));
      offset += uint64_t{1} << 32;
    }
    const double per = 1.0 / static_cast<double>(b);

    const double t_fwd = per * bench::median_seconds(
                                   [&] {
                                     NoGradGuard no_grad;
                                     (void)flow->forward(feats);
                                   },
                                   setup.warmup, setup.runs, setup.device);
    Tensor loss;
    const double t_step = per * bench::median_seconds(
                                    [&] {
                                      adam.zero_grad();
                                      const UFlowOut out = flow->forward(feats);
                                      loss = nll_loss(out.z, out.log_det);
                                      backward(loss);
                                      adam.step();
                                    },
                                    setup.warmup, setup.runs, setup.device);
    const double g_fwd = fwd_flops / t_fwd * 1e-9, g_step = step_flops / t_step * 1e-9;
    std::printf(
        "flow forward,       %s, batch %lld: %8.2f ms/image, %7.1f GFLOP/s (%.0f%% of "
        "the GEMM ceiling)  [median of %d]\n",
        device_name(setup.device), static_cast<long long>(b), t_fwd * 1e3, g_fwd,
        100.0 * g_fwd / setup.ceiling.gflops, setup.runs);
    std::printf(
        "flow training step, %s, batch %lld: %8.2f ms/image, %7.1f GFLOP/s (%.0f%% of "
        "the GEMM ceiling)  [median of %d; last loss %.6g]\n",
        device_name(setup.device), static_cast<long long>(b), t_step * 1e3, g_step,
        100.0 * g_step / setup.ceiling.gflops, setup.runs, loss.item());
    bench::print_result("flow", "forward", setup.device, b, t_fwd * 1e3, g_fwd);
    bench::print_result("flow", "train", setup.device, b, t_step * 1e3, g_step);
    if (setup.graph) {
      // Inference only: the forward under no-grad, warmed up by the timings above.
      UFlowOut captured_out;
      cuda::Graph graph;
      graph.capture([&] {
        NoGradGuard no_grad;
        captured_out = flow->forward(feats);
      });
      const double t_graph = per * bench::median_seconds([&] { graph.replay(); }, setup.warmup,
                                                         setup.runs, setup.device);
      const double g_graph = fwd_flops / t_graph * 1e-9;
      std::printf(
          "flow forward,       %s, batch %lld, CUDA graph: %8.2f ms/image, %7.1f GFLOP/s  "
          "[median of %d]\n",
          device_name(setup.device), static_cast<long long>(b), t_graph * 1e3, g_graph, setup.runs);
      bench::print_result("flow", "forward+graph", setup.device, b, t_graph * 1e3, g_graph);
    }
    if (setup.profile) {
      const std::string at =
          std::string(device_name(setup.device)) + ", batch " + std::to_string(b);
      bench::print_profile("flow forward (no grad), " + at, [&] {
        NoGradGuard no_grad;
        (void)flow->forward(feats);
      });
      bench::print_profile("flow training step, " + at, [&] {
        adam.zero_grad();
        const UFlowOut out = flow->forward(feats);
        backward(nll_loss(out.z, out.log_det));
        adam.step();
      });
    }
  }
  return 0;
}

}  // namespace uflow::app
