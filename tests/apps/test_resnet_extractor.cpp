// The ResNet extractors end to end at a tiny size, with seeded random backbones (no download):
// `uflow train --extractor resnet18 --random-backbone` trains a three-scale flow whose feature
// LayerNorms (over C, H, W) are trained with it and saved in the checkpoint; `uflow eval` and
// `uflow predict` rebuild the model from the checkpoint alone; a reloaded model gives the
// same maps as the one in memory, which it would not without its trained LayerNorms; a
// non-finite LayerNorm parameter is refused at save and at load like any flow parameter;
// pretrained weights load by name from <weights>/resnet18.h5, as `uflow import` writes it;
// wide_resnet50_2 trains, reloads and predicts at 32 px.
#include <cmath>
#include <filesystem>
#include <limits>

#include "apps/apps_test_util.h"
#include "apps/commands/eval_command.h"
#include "apps/commands/inference_setup.h"
#include "apps/commands/predict_command.h"
#include "apps/commands/train_command.h"
#include "apps/model/checkpoint.h"
#include "apps/model/features.h"
#include "apps/model/trainer.h"
#include "checkpoint_edit.h"
#include "test_util.h"
#include "weights/hdf5_file.h"
#include "weights/weight_file.h"

using namespace uflow;
using test::error_of;
namespace fs = std::filesystem;

namespace {

const test::ScratchDir& scratch() {
  static const test::ScratchDir dir("resnet-extractor");
  return dir;
}

fs::path category() {
  static const fs::path root = [] {
    const fs::path d = scratch().path() / "resnet_data";
    test::write_tiny_category(d.string(), 48, 4, 1);
    return d;
  }();
  return root;
}

// resnet18 at 64 px: features 64×16×16, 128×8×8 and 256×4×4.
app::ModelSpec resnet_spec() {
  app::ModelSpec s;
  s.extractor = app::ExtractorKind::resnet18;
  s.random_backbone = true;
  s.input_size = 64;
  s.flow_steps = 1;
  return s;
}

const std::vector<Shape> kNormShapes{{64, 16, 16}, {128, 8, 8}, {256, 4, 4}};

bool all_equal(const Tensor& t, double value) {
  for (double v : t.to_vector())
    if (v != value) return false;
  return true;
}

double max_abs_difference(const Tensor& a, const Tensor& b) {
  const std::vector<double> x = a.to_vector(), y = b.to_vector();
  REQUIRE(x.size() == y.size());
  double m = 0;
  for (size_t i = 0; i < x.size(); ++i) m = std::max(m, std::abs(x[i] - y[i]));
  return m;
}

}  // namespace

TEST_CASE("the ResNet kinds are spelled on the command line and shape a three-scale flow") {
  CHECK(app::parse_extractor_kind("resnet18", "--extractor") == app::ExtractorKind::resnet18);
  CHECK(app::parse_extractor_kind("wide_resnet50_2", "--extractor") ==
        app::ExtractorKind::wide_resnet50_2);
  CHECK(error_of([] { app::parse_extractor_kind("resnet50", "--extractor"); }) ==
        "--extractor: unknown extractor 'resnet50' (use small, paper, resnet18 or "
        "wide_resnet50_2)");
  CHECK(app::default_input_size(app::ExtractorKind::resnet18) == 256);
  CHECK(app::default_input_size(app::ExtractorKind::paper) == 448);
  app::ModelSpec wide = resnet_spec();
  wide.extractor = app::ExtractorKind::wide_resnet50_2;
  wide.input_size = 256;
  CHECK(app::feature_shapes(wide) ==
        std::vector<Shape>{{256, 64, 64}, {512, 32, 32}, {1024, 16, 16}});
  const UFlowConfig c = app::flow_config(resnet_spec());
  CHECK(c.features == kNormShapes);
  CHECK(c.feature_norm);
  app::ModelSpec small;
  small.input_size = 64;
  CHECK_FALSE(app::flow_config(small).feature_norm);
  // Without --random-backbone the weights must be there: one line naming the file.
  app::ModelSpec missing = resnet_spec();
  missing.random_backbone = false;
  missing.weights_dir = scratch().file("no_weights");
  const std::string err = error_of([&] { app::build_extractor(missing); });
  CHECK(err.rfind(scratch().file("no_weights") + "/resnet18.h5: extractor weights not found", 0) ==
        0);
  // --random-backbone is for the ResNets only.
  CHECK(error_of([] {
          app::train_command({category().string(), "--out", scratch().file("small_random"),
                              "--extractor", "small", "--random-backbone"});
        }) ==
        "option --random-backbone: only for the ResNet extractors (the small extractor is "
        "always random, the paper's never)");
}

TEST_CASE("uflow train --extractor resnet18 trains the feature LayerNorms with the flow") {
  const std::string out = scratch().file("train_cli");
  REQUIRE(app::train_command({category().string(), "--out", out, "--extractor", "resnet18",
                              "--random-backbone", "--input-size", "64", "--epochs", "2", "--batch",
                              "4", "--device", "cpu"}) == 0);
  const std::string ckpt = out + "/checkpoint.h5";
  const app::CheckpointInfo info = app::read_checkpoint_info(ckpt);
  CHECK(info.spec.extractor == app::ExtractorKind::resnet18);
  CHECK(info.spec.random_backbone);
  CHECK(info.spec.input_size == 64);
  CHECK(info.epoch == 2);
  H5File f(ckpt, 'r');
  for (size_t s = 0; s < 3; ++s) {
    const std::string name = "flow/feature_norms." + std::to_string(s);
    CAPTURE(name);
    CHECK(f.dataset_info(name + ".weight").shape == kNormShapes[s]);
    CHECK(f.dataset_info(name + ".bias").shape == kNormShapes[s]);
    CHECK(f.dataset_info(name + ".weight").checksummed);
    // Initialised to ones and zeros: trained values differ, so Adam updated them.
    CHECK_FALSE(all_equal(f.read_tensor(name + ".weight"), 1.0));
    CHECK_FALSE(all_equal(f.read_tensor(name + ".bias"), 0.0));
    CHECK(f.has("adam/exp_avg/feature_norms." + std::to_string(s) + ".weight"));
  }
  // eval and predict rebuild the extractor and the flow from the checkpoint alone.
  const std::string eval_out = scratch().file("eval_cli");
  REQUIRE(app::eval_command({category().string(), "--checkpoint", ckpt, "--out", eval_out, "--size",
                             "64", "--device", "cpu"}) == 0);
  CHECK(fs::exists(eval_out + "/metrics.json"));
  const std::string pred_out = scratch().file("predict_cli");
  REQUIRE(app::predict_command({ckpt, category().string(), "--out", pred_out, "--size", "64",
                                "--device", "cpu"}) == 0);
  CHECK(fs::exists(pred_out + "/scores.csv"));
  // A run resumed from the checkpoint continues with the same extractor.
  REQUIRE(app::train_command({category().string(), "--out", out, "--resume", "--epochs", "3",
                              "--device", "cpu"}) == 0);
  CHECK(app::read_checkpoint_info(ckpt).epoch == 3);
  CHECK(app::read_checkpoint_info(ckpt).spec.extractor == app::ExtractorKind::resnet18);
}

TEST_CASE("a reloaded resnet18 model predicts the maps of the trained one, LayerNorms included") {
  const app::ModelSpec spec = resnet_spec();
  const app::Category cat = app::scan_mvtec(category().string());
  auto extractor = app::build_extractor(spec);
  auto flow = app::build_flow(spec);
  AdamOptions ao;
  ao.lr = 1e-3;
  Adam adam(flow->parameters(), ao);
  app::TrainOptions opt;
  opt.epochs = 2;
  opt.batch = 4;
  const app::FeatureSet features =
      app::extract_features(*extractor, cat.train, 4, Device::cpu, "f");
  app::train_flow(*flow, adam, features, opt, 0, [](const app::EpochStats&) { return true; });
  app::TrainSettings t;
  t.epochs = 2;
  const std::string ckpt = scratch().file("roundtrip.h5");
  app::save_checkpoint(ckpt, {spec, t, 2}, *flow, &adam);

  flow->train(false);
  app::PredictOptions po;
  po.nfa.size = 64;
  const auto before = app::predict_images(*extractor, *flow, cat.test, po);
  app::LoadedModel m = app::load_model(ckpt, "", Device::cpu);
  for (size_t s = 0; s < 3; ++s)
    CHECK(max_abs_difference(m.flow->parameter("feature_norms." + std::to_string(s) + ".weight"),
                             flow->parameter("feature_norms." + std::to_string(s) + ".weight")) ==
          0.0);
  const auto after = app::predict_images(*m.extractor, *m.flow, cat.test, po);
  REQUIRE(before.size() == after.size());
  REQUIRE_FALSE(before.empty());
  for (size_t i = 0; i < before.size(); ++i)
    CHECK(max_abs_difference(before[i].anomaly_map, after[i].anomaly_map) == 0.0);
  // The same model with its LayerNorms back at their initial values maps differently: the
  // equality above needs the trained LayerNorms restored.
  for (size_t s = 0; s < 3; ++s) {
    m.flow->set_parameter("feature_norms." + std::to_string(s) + ".weight",
                          kernels::ones(kNormShapes[s]));
    m.flow->set_parameter("feature_norms." + std::to_string(s) + ".bias",
                          kernels::zeros(kNormShapes[s]));
  }
  const auto reset = app::predict_images(*m.extractor, *m.flow, cat.test, po);
  CHECK(max_abs_difference(before[0].anomaly_map, reset[0].anomaly_map) > 1e-6);
}

TEST_CASE("a non-finite feature LayerNorm parameter is never saved and refused at load") {
  const app::ModelSpec spec = resnet_spec();
  auto flow = app::build_flow(spec);
  app::TrainSettings t;
  t.epochs = 1;
  const std::string good = scratch().file("norm_good.h5");
  app::save_checkpoint(good, {spec, t, 1}, *flow, nullptr);

  test::CheckpointContent c = test::read_checkpoint_content(good);
  const std::string key = "flow/feature_norms.1.weight";
  REQUIRE(c.tensors.count(key) == 1);
  std::vector<double> v = c.tensors[key].to_vector();
  v[v.size() / 2] = std::numeric_limits<double>::quiet_NaN();
  c.tensors[key] = Tensor::from_vector(v, c.tensors[key].shape(), c.tensors[key].dtype());
  const std::string poisoned = scratch().file("norm_poisoned.h5");
  test::write_checkpoint_content(poisoned, c);
  const std::string load_err = error_of([&] {
    auto f2 = app::build_flow(app::read_checkpoint_info(poisoned).spec);
    app::load_checkpoint(poisoned, *f2, nullptr);
  });
  INFO(load_err);
  CHECK(load_err.rfind(poisoned + ": dataset '" + key + "' holds a non-finite value (", 0) == 0);

  // A ResNet checkpoint's input size is range-checked like the small extractor's.
  test::CheckpointContent odd = test::read_checkpoint_content(good);
  odd.ints["input_size"] = 100;
  const std::string odd_path = scratch().file("norm_odd_size.h5");
  test::write_checkpoint_content(odd_path, odd);
  CHECK(error_of([&] { app::read_checkpoint_info(odd_path); }) ==
        odd_path + ": attribute 'input_size' is 100, expected a multiple of 32");

  flow->set_parameter("feature_norms.1.weight", Tensor::from_vector(v, kNormShapes[1], DType::f64));
  const std::string never = scratch().file("norm_never.h5");
  const std::string save_err = error_of([&] {
    app::save_checkpoint(never, {spec, t, 1}, *flow, nullptr);
  });
  INFO(save_err);
  CHECK(save_err.find("feature_norms.1.weight") != std::string::npos);
  CHECK_FALSE(fs::exists(never));
}

TEST_CASE("resnet18 weights load by name from <weights>/resnet18.h5; unused keys are allowed") {
  // A full resnet18 state dict as `uflow import` writes it from timm or torchvision: the
  // extractor's tensors plus layer4, the classifier and BatchNorm's counters, never run.
  Generator gen(123);
  ResNetFeatures source(resnet18_config(), gen);
  std::vector<std::pair<std::string, Tensor>> tensors = source.named_parameters();
  tensors.push_back({"layer4.0.conv1.weight", kernels::ones({512, 256, 3, 3})});
  tensors.push_back({"fc.weight", kernels::ones({1000, 512})});
  tensors.push_back({"fc.bias", kernels::zeros({1000})});
  tensors.push_back({"layer1.0.bn1.num_batches_tracked", kernels::zeros({})});
  tensors.push_back({"bn1.num_batches_tracked", kernels::zeros({})});
  const fs::path dir = scratch().path() / "resnet_weights";
  fs::create_directories(dir);
  save_weights((dir / "resnet18.h5").string(), tensors, {"resnet18", 224, {}, {}});

  app::ModelSpec spec = resnet_spec();
  spec.random_backbone = false;
  spec.weights_dir = dir.string();
  auto extractor = app::build_extractor(spec);
  const ResNetFeatures& loaded = dynamic_cast<ResNetExtractor&>(*extractor).model();
  for (const auto& named : source.named_parameters()) {
    const std::string& name = named.first;  // not a structured binding: CAPTURE's lambda
    CAPTURE(name);
    CHECK(max_abs_difference(loaded.parameter(name), named.second) == 0.0);
  }
  // The seeded random backbone is another one: the file's weights were really used.
  spec.random_backbone = true;
  auto random = app::build_extractor(spec);
  CHECK(
      max_abs_difference(dynamic_cast<ResNetExtractor&>(*random).model().parameter("conv1.weight"),
                         source.parameter("conv1.weight")) > 0.0);

  // A key the extractor needs is missing: one line naming the file and the key.
  tensors.erase(std::find_if(tensors.begin(), tensors.end(),
                             [](const auto& t) { return t.first == "layer2.0.bn1.running_var"; }));
  save_weights((dir / "resnet18.h5").string(), tensors, {"resnet18", 224, {}, {}});
  spec.random_backbone = false;
  const std::string err = error_of([&] { app::build_extractor(spec); });
  INFO(err);
  CHECK(err.find((dir / "resnet18.h5").string()) == 0);
  CHECK(err.find("layer2.0.bn1.running_var") != std::string::npos);
}

TEST_CASE("wide_resnet50_2 with a random backbone trains and reloads at 32 px") {
  // Features 256×8×8, 512×4×4 and 1024×2×2: the bottleneck backbone end to end, small.
  app::ModelSpec spec = resnet_spec();
  spec.extractor = app::ExtractorKind::wide_resnet50_2;
  spec.input_size = 32;
  app::TrainRequest r;
  r.data = category().string();
  r.out = scratch().file("train_wide");
  r.spec = spec;
  r.train.epochs = 1;
  r.train.batch = 4;
  r.checkpoint_every = 1;
  const app::TrainSummary sum = app::run_training(r);
  CHECK(std::isfinite(sum.final_loss));
  const app::LoadedModel m = app::load_model(sum.checkpoint, "", Device::cpu);
  CHECK(m.info.spec.extractor == app::ExtractorKind::wide_resnet50_2);
  CHECK(m.extractor->feature_shapes() ==
        std::vector<Shape>{{256, 8, 8}, {512, 4, 4}, {1024, 2, 2}});
  CHECK(m.flow->parameter("feature_norms.2.weight").shape() == Shape{1024, 2, 2});
  CHECK_FALSE(all_equal(m.flow->parameter("feature_norms.2.bias"), 0.0));
  app::PredictOptions po;
  po.nfa.size = 32;
  const auto preds =
      app::predict_images(*m.extractor, *m.flow, app::scan_mvtec(category().string()).test, po);
  REQUIRE_FALSE(preds.empty());
  for (const auto& p : preds) CHECK(std::isfinite(p.score));
}
