// The `uflow` command: dispatches to subcommands.
#include <cstdio>
#include <cstring>
#include <exception>
#include <string>
#include <vector>

#include "apps/bench/bench.h"
#include "apps/commands/demo_command.h"
#include "apps/commands/eval_command.h"
#include "apps/commands/import_command.h"
#include "apps/commands/inspect_command.h"
#include "apps/commands/predict_command.h"
#include "apps/commands/study_commands.h"
#include "apps/commands/train_command.h"

namespace {

using Handler = int (*)(const std::vector<std::string>&);

struct Sub {
  const char* name;
  const char* summary;
  Handler run;
};

int bench(const std::vector<std::string>& args);

const Sub kSubcommands[] = {
    {"demo", "synthetic data -> train -> evaluate -> report, nothing to download",
     uflow::app::demo_command},
    {"train", "train the flow on a category's normal images", uflow::app::train_command},
    {"predict", "anomaly maps, NFA maps and masks for images", uflow::app::predict_command},
    {"eval", "metrics (AUROC, AUPRO, mIoU) and an HTML report on test sets",
     uflow::app::eval_command},
    {"features", "frozen extractor features of images to HDF5", uflow::app::features_command},
    {"latents", "latents, log-det and anomaly maps of a trained flow to HDF5",
     uflow::app::latents_command},
    {"nfa", "a-contrario segmentation of latents from HDF5", uflow::app::nfa_command},
    {"inspect",
     "a trained flow from the inside: log-det per block, latents vs N(0, 1), "
     "invertibility, a-contrario calibration (HTML + HDF5)",
     uflow::app::inspect_command},
    {"import", "weights from safetensors / PyTorch checkpoints to uflow's HDF5 files, no Python",
     uflow::app::import_command},
    {"bench", "measure op and model speed (bench core | extractor | flow | nfa | precision)",
     bench},
};

const Sub kBenches[] = {
    {"core", "GEMM and conv2d against direct BLAS/cuBLAS/cuDNN calls", uflow::app::bench_core},
    {"extractor", "MS-CaiT forward per image, GFLOP/s against the GEMM ceiling",
     uflow::app::bench_extractor},
    {"flow", "U-flow forward and training step per image at the MS-CaiT shapes",
     uflow::app::bench_flow},
    {"nfa", "tree and block NFA per image at the MS-CaiT shapes", uflow::app::bench_nfa},
    {"precision", "accuracy cost of the tf32/bf16 extractor modes against fp32 (demo pipeline)",
     uflow::app::bench_precision},
};

void usage(FILE* out) {
  std::fprintf(out, "usage: uflow <command> [options]\n       uflow --version\n\ncommands:\n");
  for (const Sub& s : kSubcommands) std::fprintf(out, "  %-10s %s\n", s.name, s.summary);
  std::fprintf(out, "\n`uflow <command> --help` describes each command.\n");
}

int bench(const std::vector<std::string>& args) {
  if (args.empty() || args[0] == "--help" || args[0] == "-h") {
    std::printf("usage: uflow bench <what> [options]\n\n");
    for (const Sub& s : kBenches) std::printf("  %-10s %s\n", s.name, s.summary);
    return args.empty() ? 2 : 0;
  }
  for (const Sub& s : kBenches)
    if (args[0] == s.name) return s.run({args.begin() + 1, args.end()});
  std::fprintf(stderr, "uflow bench: unknown benchmark '%s'\n", args[0].c_str());
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  // Progress goes to stderr; keep stdout in step with it when both go to one terminal or log.
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  if (argc < 2 || !std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h")) {
    usage(argc < 2 ? stderr : stdout);
    return argc < 2 ? 2 : 0;
  }
  if (!std::strcmp(argv[1], "--version")) {
    const std::string commit = UFLOW_GIT_DESCRIBE;
    std::printf("uflow %s%s, CUDA backend %s\n", UFLOW_VERSION,
                commit.empty() ? "" : (" (" + commit + ")").c_str(),
#if defined(UFLOW_WITH_CUDA)
                "compiled"
#else
                "not compiled"
#endif
    );
    return 0;
  }
  const std::vector<std::string> args(argv + 2, argv + argc);
  try {
    for (const Sub& s : kSubcommands)
      if (argv[1] == std::string(s.name)) return s.run(args);
  } catch (const std::exception& e) {  // uflow::Error and the standard library's alike
    std::fprintf(stderr, "uflow %s: error: %s\n", argv[1], e.what());
    return 1;
  }
  std::fprintf(stderr, "uflow: unknown command '%s'\n", argv[1]);
  usage(stderr);
  return 2;
}
