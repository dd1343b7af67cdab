// `uflow bench nfa`: both a-contrario variants per image at the MS-CaiT latent shapes
// (816×28×28 and 192×14×14, N(0, 1)) up to T×T, on the CPU and, where a GPU is usable, on CUDA.
#include "apps/bench/bench_nfa.h"

#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include "apps/bench/bench.h"
#include "apps/bench/bench_util.h"
#include "apps/cli/args.h"
#include "apps/commands/device_option.h"
#include "contrario/block_log_prob.h"
#include "contrario/block_nfa.h"
#include "contrario/tree_nfa.h"
#include "tensor/ops.h"

namespace uflow::app {

namespace bench {
namespace {

int64_t count_detected(const Tensor& mask) {
  int64_t n = 0;
  for (const float v : mask.to_floats()) n += v > 0.5f;
  return n;
}

}  // namespace

NfaBenchResult run_nfa_bench(const NfaBenchOptions& opt) {
  UFLOW_CHECK(opt.batch >= 1 && opt.repeats >= 1 && opt.size >= 1,
              "run_nfa_bench: batch, repeats and size must be positive");
  UFLOW_CHECK(opt.device == Device::cpu || cuda::available(),
              "run_nfa_bench: CUDA asked for but no GPU is available");
  const std::vector<Tensor> z = {
      kernels::rand_normal({opt.batch, 816, 28, 28}, opt.seed, 0, 0.0, 1.0, DType::f32, opt.device),
      kernels::rand_normal({opt.batch, 192, 14, 14}, opt.seed, uint64_t{1} << 32, 0.0, 1.0,
                           DType::f32, opt.device)};
  // Milliseconds per image: the median of `repeats` calls after one untimed call.
  const auto ms_per_image = [&](const std::function<void()>& fn) {
    return 1e3 * median_seconds(fn, 1, opt.repeats, opt.device) / static_cast<double>(opt.batch);
  };
  contrario::TreeNfaOptions tree_opt;
  tree_opt.size = opt.size;
  contrario::BlockNfaOptions block_opt;
  block_opt.size = opt.size;
  contrario::NfaResult tree_out, block_out;
  NfaBenchResult r;
  r.tree_ms = ms_per_image([&] { tree_out = contrario::tree_nfa(z, tree_opt); });
  r.block_ms = ms_per_image([&] { block_out = contrario::block_nfa(z, block_opt); });
  r.tree_maps_ms = ms_per_image([&] {
    for (const Tensor& zs : z) contrario::tree_log_prob_maps(zs, false);
  });
  r.block_maps_ms = ms_per_image([&] {
    for (size_t s = 0; s < z.size(); ++s)
      contrario::block_log_prob_maps(
          z[s], contrario::block_half_width(block_opt.window, static_cast<int64_t>(s)),
          block_opt.prob);
  });
  r.tree_detected = count_detected(tree_out.mask);
  r.block_detected = count_detected(block_out.mask);
  return r;
}

}  // namespace bench

int bench_nfa(const std::vector<std::string>& argv) {
  Args args("bench nfa",
            "Times the tree NFA and the block NFA per image on N(0, 1) latents of the MS-CaiT\n"
            "shapes (816x28x28, 192x14x14) up to T x T: the whole call and, of it, the per-scale\n"
            "log-probability maps. Medians of repeated calls; nothing here asserts.");
  args.option("device", "cpu|cuda|auto", "auto", "auto: the CPU, then CUDA when usable")
      .option("batch", "N[,N...]", "1", "images per call; a list runs each")
      .option("size", "T", "256", "output size")
      .option("repeats", "N", "21", "timed calls per variant (after one warm-up call)")
      .option("threads", "N", "1", "CPU threads during the timing; 0 keeps the default");
  if (!args.parse(argv)) return 0;
  // "all" is the former spelling of auto here.
  const std::string which = args.str("device") == "all" ? "auto" : args.str("device");
  const std::vector<Device> devices = parse_bench_devices(which, "--device");
  const std::vector<int64_t> batches = bench::parse_batches(args.str("batch"), "bench nfa");
  bench::NfaBenchOptions opt;
  opt.size = args.integer("size");
  opt.repeats = static_cast<int>(args.integer("repeats"));
  const int64_t threads = args.integer("threads");
  UFLOW_CHECK(opt.size >= 1 && opt.repeats >= 1 && threads >= 0,
              "bench nfa: --size and --repeats must be >= 1, --threads >= 0");
  const int cpu_threads = bench::set_threads(static_cast<int>(threads));

  bench::print_machine(devices.back());
  for (const Device d : devices) {
    opt.device = d;
    const std::string where =
        d == Device::cpu ? std::to_string(cpu_threads) + " thread(s)" : std::string("GPU");
    for (const int64_t b : batches) {
      opt.batch = b;
      const bench::NfaBenchResult r = bench::run_nfa_bench(opt);
      const auto report = [&](const char* name, double ms, double maps_ms, int64_t detected) {
        std::printf(
            "nfa %-6s %s (%s), batch %lld, %lldx%lld: %8.3f ms/image (maps %.3f ms), "
            "%lld pixels detected  [median of %d]\n",
            (std::string(name) + ",").c_str(), device_name(d), where.c_str(),
            static_cast<long long>(b), static_cast<long long>(opt.size),
            static_cast<long long>(opt.size), ms, maps_ms, static_cast<long long>(detected),
            opt.repeats);
      };
      report("tree", r.tree_ms, r.tree_maps_ms, r.tree_detected);
      report("block", r.block_ms, r.block_maps_ms, r.block_detected);
      bench::print_result("nfa", "tree", d, b, r.tree_ms);
      bench::print_result("nfa", "block", d, b, r.block_ms);
    }
  }
  return 0;
}

}  // namespace uflow::app
