// tools/export_uflow_ckpt.py end to end: a checkpoint with the reference's key layout (built by
// tools/reference/make_fake_ckpt.py from FrEIA and timm modules) converted to a uflow
// checkpoint must load through the app's checkpoint reader into our UFlow and give the
// reference's latents and log-det for the same features. This pins the module_list naming,
// the permutation orientation (matrix -> index vector) and the stage order of the conversion.
#include <filesystem>

#include "apps/model/checkpoint.h"
#include "test_util.h"
#include "weights/hdf5_file.h"

using namespace uflow;

namespace {

std::string fixture(const std::string& name) {
  return std::string(UFLOW_FIXTURES_DIR) + "/flow/" + name;
}

}  // namespace

TEST_CASE("a converted reference checkpoint reproduces the reference flow") {
  const std::string path = fixture("ckpt_converted.h5");
  const app::CheckpointInfo info = app::read_checkpoint_info(path);
  CHECK(info.spec.flow_steps == 4);
  CHECK(info.spec.clamp == 2.0);
  CHECK(info.spec.clamp_mode == ClampMode::pinned);
  CHECK(info.spec.extractor ==
        app::ExtractorKind::custom);  // small stand-ins, not the paper's two models
  // Recorded relative to the checkpoint's folder and resolved against it (unless an old-style
  // folder of that name exists where the test runs).
  CHECK(H5File(path, 'r').attr_string("weights_dir") == "weights");
  if (!std::filesystem::exists("weights"))
    CHECK(info.spec.weights_dir ==
          (std::filesystem::path(path).parent_path() / "weights").lexically_normal().string());
  CHECK(info.epoch == 12);
  CHECK(info.train.lr == 1e-4);
  CHECK(info.train.weight_decay == 1e-5);

  UFlowConfig cfg;
  {
    H5File f(path, 'r');
    const std::vector<int64_t> feats = f.attr_ints("flow_features");
    REQUIRE(feats.size() % 3 == 0);
    for (size_t i = 0; i < feats.size(); i += 3)
      cfg.features.push_back({feats[i], feats[i + 1], feats[i + 2]});
    CHECK(f.attr_string("extractor_archs") == "cait_d16_depth2_64,cait_d16_depth1_32");
  }
  REQUIRE(cfg.features == std::vector<Shape>{{16, 4, 4}, {16, 2, 2}});
  cfg.steps = info.spec.flow_steps;
  cfg.block.clamp = info.spec.clamp;
  Generator gen(123);  // any seed: every parameter and permutation comes from the file
  UFlow flow(cfg, gen);
  app::load_checkpoint(path, flow, nullptr);
  flow.to(DType::f64);  // the reference values were computed in float64 from these values

  H5File ref(fixture("ckpt_reference.h5"), 'r');
  std::vector<Tensor> features;
  for (size_t s = 0; s < cfg.features.size(); ++s)
    features.push_back(ref.read_tensor("features/" + std::to_string(s), DType::f64));
  NoGradGuard no_grad;
  const UFlowOut out = flow.forward(features);
  for (size_t s = 0; s < cfg.features.size(); ++s) {
    INFO("z/", s);
    CHECK_CLOSE(out.z[s], ref.read_tensor("z/" + std::to_string(s), DType::f64), 1e-12, 1e-10);
  }
  CHECK_CLOSE(out.log_det, ref.read_tensor("log_det", DType::f64), 1e-10, 1e-10);
}
