#include "apps/commands/inspect_command.h"

#include <cstdio>
#include <filesystem>

#include "apps/cli/args.h"
#include "apps/cli/image_options.h"
#include "apps/commands/device_option.h"
#include "apps/commands/feature_input.h"
#include "apps/commands/inference_setup.h"
#include "apps/inspect/inspection_output.h"
#include "apps/model/spec_limits.h"

namespace fs = std::filesystem;

namespace uflow::app {

int inspect_command(const std::vector<std::string>& args) {
  Args a("inspect",
         "What a trained flow does inside, on normal inputs: architecture, each block's share of "
         "the log-determinant, latents against N(0, 1), invertibility in float32 and float64, "
         "and the a-contrario calibration (mean detections per image against epsilon: tree NFA "
         "as in the reference, tree NFA with the guard, block NFA). Writes DIR/inspection.html and "
         "DIR/inspection.h5.");
  a.positional("checkpoint", "checkpoint.h5 written by uflow train")
      .positional("input",
                  "normal images (file, folder, or an MVTec category: its good test images) or a "
                  "features .h5 file (f1, f2, ...)")
      .option("out", "dir", "inspection", "output folder")
      .option("window", "n", "5", "block NFA window at the finest scale (anomalib uses 7)")
      .option("prob", "p", "0.9", "block NFA probability (anomalib uses 0.5)")
      .option("size", "px", "256", "side T of the NFA maps")
      .option("batch", "n", "8", "inputs per batch")
      .option("weights", "dir", "", "extractor weight folder (overrides the checkpoint's)")
      .option("device", "cpu|cuda|auto", "auto", "where to compute");
  add_image_limit_options(a);
  if (!a.parse(args)) return 0;
  apply_image_limit_options(a);
  InspectOptions opt;
  opt.device = parse_device(a.str("device"));
  opt.batch = a.integer("batch", limits::kBatch);
  opt.nfa.window = a.integer("window", limits::kWindow);
  opt.nfa.prob = a.real("prob", limits::kProbability);
  opt.nfa.size = a.integer("size", limits::kMapSize);

  LoadedModel m = load_model(a.str("checkpoint"), a.str("weights"), opt.device);
  const FeatureSet feats = input_features(a.str("input"), *m.extractor, opt.batch, opt.device,
                                          /*normal_only=*/true);
  const Inspection r = inspect_flow(*m.flow, feats, opt);

  const fs::path out = a.str("out");
  fs::create_directories(out);
  write_inspection_h5((out / "inspection.h5").string(), r);
  write_inspection_html((out / "inspection.html").string(), r, "U-flow inspection",
                        "checkpoint " + a.str("checkpoint") + " · " + std::to_string(r.images) +
                            " normal inputs from " + a.str("input"));
  const size_t e1 = 6;  // ε = 10⁰ in 10⁻⁶ … 10³
  std::printf(
      "%lld inputs; inverse error f32 %.3g, f64 %.3g; mean detections per image at "
      "epsilon = 1: tree %.3g, tree with guard %.3g, block %.3g -> %s\n",
      static_cast<long long>(r.images), r.inverse_error_f32, r.inverse_error_f64,
      r.calibration.tree[e1], r.calibration.tree_guard[e1], r.calibration.block[e1],
      (out / "inspection.html").string().c_str());
  return 0;
}

}  // namespace uflow::app
