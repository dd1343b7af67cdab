// `uflow bench nfa`: both a-contrario variants per image at the MS-CaiT latent shapes
// (816×28×28 and 192×14×14, N(0, 1)) up to T×T, on the CPU and, where a GPU is usable, on CUDA.
// The timing itself lives beside the NFA code (contrario::run_nfa_bench).
#include "contrario/bench_nfa.h"

#include <cstdio>
#include <string>
#include <vector>

#include "apps/bench/bench.h"
#include "apps/bench/bench_util.h"
#include "apps/cli/args.h"
#include "apps/commands/device_option.h"

namespace uflow::app {

int bench_nfa(const std::vector<std::string>& argv) {
  Args args("bench nfa",
            "Times the tree NFA and the block NFA per image on N(0, 1) latents of the MS-CaiT\n"
            "shapes (816x28x28, 192x14x14) up to T x T: the whole call and, of it, the per-scale\n"
            "log-probability maps. Medians of repeated calls; nothing here asserts.");
  args.option("device", "all|cpu|cuda", "all", "all: the CPU, then CUDA when usable")
      .option("batch", "N[,N...]", "1", "images per call; a list runs each")
      .option("size", "T", "256", "output size")
      .option("repeats", "N", "21", "timed calls per variant (after one warm-up call)")
      .option("threads", "N", "1", "CPU threads during the CPU timing; 0 keeps the default");
  if (!args.parse(argv)) return 0;
  std::vector<Device> devices;
  const std::string which = args.str("device");
  if (which == "all") {
    devices.push_back(Device::cpu);
    if (cuda::available()) devices.push_back(Device::cuda);
  } else {
    devices.push_back(parse_device(which));
  }
  const std::vector<int64_t> batches = bench::parse_batches(args.str("batch"), "bench nfa");
  contrario::NfaBenchOptions opt;
  opt.size = args.integer("size");
  opt.repeats = static_cast<int>(args.integer("repeats"));
  opt.threads = static_cast<int>(args.integer("threads"));
  UFLOW_CHECK(opt.size >= 1 && opt.repeats >= 1 && opt.threads >= 0,
              "bench nfa: --size and --repeats must be >= 1, --threads >= 0");

  bench::print_machine(devices.back());
  for (const Device d : devices) {
    opt.device = d;
    for (const int64_t b : batches) {
      opt.batch = b;
      const contrario::NfaBenchResult r = contrario::run_nfa_bench(opt);
      const std::string threads = d == Device::cpu
                                      ? (opt.threads > 0 ? std::to_string(opt.threads)
                                                         : std::to_string(bench::thread_count())) +
                                            " thread(s)"
                                      : "GPU";
      std::printf(
          "nfa tree,  %s (%s), batch %lld, %lldx%lld: %8.3f ms/image (maps %.3f ms), "
          "%lld pixels detected  [median of %d]\n",
          device_name(d), threads.c_str(), static_cast<long long>(b),
          static_cast<long long>(opt.size), static_cast<long long>(opt.size), r.tree_ms,
          r.tree_maps_ms, static_cast<long long>(r.tree_detected), opt.repeats);
      std::printf(
          "nfa block, %s (%s), batch %lld, %lldx%lld: %8.3f ms/image (maps %.3f ms), "
          "%lld pixels detected  [median of %d]\n",
          device_name(d), threads.c_str(), static_cast<long long>(b),
          static_cast<long long>(opt.size), static_cast<long long>(opt.size), r.block_ms,
          r.block_maps_ms, static_cast<long long>(r.block_detected), opt.repeats);
      bench::print_result("nfa", "tree", d, b, r.tree_ms);
      bench::print_result("nfa", "block", d, b, r.block_ms);
    }
  }
  return 0;
}

}  // namespace uflow::app
