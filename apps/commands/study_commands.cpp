#include "apps/commands/study_commands.h"

#include <cstdio>
#include <filesystem>

#include "apps/cli/args.h"
#include "apps/cli/image_options.h"
#include "apps/cli/model_options.h"
#include "apps/commands/device_option.h"
#include "apps/commands/feature_input.h"
#include "apps/commands/inference_setup.h"
#include "apps/commands/visuals.h"
#include "apps/data/map_file.h"
#include "apps/model/features.h"
#include "apps/model/spec_limits.h"
#include "contrario/nfa_method.h"
#include "flow/anomaly_map.h"
#include "imaging/image_io.h"
#include "weights/atomic_write.h"
#include "weights/finite_check.h"

namespace fs = std::filesystem;

namespace uflow::app {

int features_command(const std::vector<std::string>& args) {
  Args a("features",
         "Frozen extractor features of images, written to HDF5 (f1, f2, ... finest first; for "
         "the ResNets before the LayerNorm that is trained with the flow).");
  a.positional("images", "an image, a folder of images, or an MVTec category (test set)")
      .option("out", "file", "features.h5", "output HDF5 file");
  add_extractor_options(a);
  a.option("batch", "n", "8", "images per batch")
      .option("device", "cpu|cuda|auto", "auto", "where to compute");
  add_image_limit_options(a);
  if (!a.parse(args)) return 0;
  apply_image_limit_options(a);
  ModelSpec spec;
  apply_extractor_options(a, spec);
  const int64_t batch = a.integer("batch", limits::kBatch);
  const Device dev = parse_device(a.str("device"));
  auto ex = build_extractor(spec);
  ex->to(dev);
  const auto samples = image_samples(a.str("images"));
  const FeatureSet fs_ = extract_features(*ex, samples, batch, dev, "features");
  write_h5_atomic(a.str("out"), [&](H5File& f) {
    write_numbered_maps(f, "f", fs_.scales);
    f.set_attr("extractor", to_string(spec.extractor));
  });
  std::printf("%zu images -> %s\n", samples.size(), a.str("out").c_str());
  return 0;
}

int latents_command(const std::vector<std::string>& args) {
  Args a("latents",
         "Latents of the trained flow (z1, z2, ... finest first), log_det and the anomaly map, "
         "written to HDF5.");
  a.positional("checkpoint", "checkpoint.h5 written by uflow train")
      .positional("input", "images (file, folder or MVTec category) or a features .h5 file")
      .option("out", "file", "latents.h5", "output HDF5 file")
      .option("size", "px", "256", "side of the anomaly map")
      .option("batch", "n", "8", "images per batch")
      .option("weights", "dir", "", "extractor weight folder (overrides the checkpoint's)")
      .option("device", "cpu|cuda|auto", "auto", "where to compute");
  add_image_limit_options(a);
  if (!a.parse(args)) return 0;
  apply_image_limit_options(a);
  const int64_t size = a.integer("size", limits::kMapSize);
  const int64_t batch = a.integer("batch", limits::kBatch);
  const Device dev = parse_device(a.str("device"));
  LoadedModel m = load_model(a.str("checkpoint"), a.str("weights"), dev);
  const FeatureSet feats = input_features(a.str("input"), *m.extractor, batch, dev);
  NoGradGuard no_grad;
  std::vector<std::vector<Tensor>> zs;
  std::vector<Tensor> log_dets, maps;
  const int64_t n = feats.count();
  for (int64_t s = 0; s < n; s += batch) {
    std::vector<int64_t> idx;
    for (int64_t i = s; i < std::min(n, s + batch); ++i) idx.push_back(i);
    UFlowOut o = m.flow->forward(feats.batch(idx, dev));
    UFLOW_CHECK(all_finite(o.z), a.str("checkpoint"),
                ": the model's latents are not finite for sample ", s,
                " (or another of its batch); its parameters are out of any trained range");
    if (zs.empty()) zs.resize(o.z.size());
    for (size_t k = 0; k < o.z.size(); ++k)
      zs[k].push_back(kernels::to_device(o.z[k], Device::cpu));
    log_dets.push_back(kernels::to_device(o.log_det, Device::cpu));
    maps.push_back(kernels::to_device(anomaly_map(o.z, size), Device::cpu));
  }
  write_h5_atomic(a.str("out"), [&](H5File& f) {
    for (size_t k = 0; k < zs.size(); ++k)
      f.write_tensor("z" + std::to_string(k + 1), kernels::cat(zs[k], 0));
    f.write_tensor("log_det", kernels::cat(log_dets, 0));
    f.write_tensor("anomaly_map", kernels::cat(maps, 0));
  });
  std::printf("%lld samples -> %s\n", static_cast<long long>(n), a.str("out").c_str());
  return 0;
}

int nfa_command(const std::vector<std::string>& args) {
  Args a("nfa",
         "A-contrario segmentation of latents: reads z1, z2, ... (B, C, H, W) from HDF5, writes "
         "nfa (B, 1, T, T) = -log10 NFA and mask (1 where log10 NFA < 0).");
  a.positional("latents", "HDF5 file with datasets z1, z2, ... finest first")
      .option("out", "file", "nfa.h5", "output HDF5 file")
      .option("png", "dir", "",
              "also write <n>_nfa.png (colours as in the report) and <n>_detection.png per sample")
      .option("device", "cpu|cuda|auto", "auto", "where to compute");
  add_nfa_options(a, "method");
  if (!a.parse(args)) return 0;
  const Device dev = parse_device(a.str("device"));
  const contrario::NfaSettings nfa = nfa_settings(a, "method");
  std::vector<Tensor> z = read_numbered_maps(a.str("latents"), "z", MapKind::latents);
  for (Tensor& t : z) t = kernels::to_device(t, dev);
  const contrario::NfaResult r = contrario::run_nfa(z, nfa);
  const Tensor score = kernels::to_device(r.score, Device::cpu);
  const Tensor mask = kernels::to_device(r.mask, Device::cpu);
  write_h5_atomic(a.str("out"), [&](H5File& f) {
    f.write_tensor("nfa", score);
    f.write_tensor("mask", mask);
    f.set_attr("method", to_string(nfa.method));
    f.set_attr("log10_tests", r.log10_tests);
  });
  if (!a.str("png").empty()) {
    fs::create_directories(a.str("png"));
    for (int64_t b = 0; b < score.size(0); ++b) {
      const std::string base = (fs::path(a.str("png")) / std::to_string(b)).string();
      save_png(
          base + "_nfa.png",
          render_nfa(kernels::contiguous(kernels::squeeze(kernels::narrow(score, 0, b, 1), 0))));
      save_png(base + "_detection.png",
               kernels::contiguous(kernels::squeeze(kernels::narrow(mask, 0, b, 1), 0)));
    }
  }
  std::printf("%lld samples, method %s -> %s\n", static_cast<long long>(score.size(0)),
              to_string(nfa.method), a.str("out").c_str());
  return 0;
}

}  // namespace uflow::app
