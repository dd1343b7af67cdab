// The closed choices of the model spec, training and inference (extractor, clamp mode, loss,
// NFA method): each spelling parses to its enum and back, a wrong one is one line naming where
// it came from and the allowed values, and checkpoints keep storing the same strings (a
// converted reference checkpoint may say extractor "custom": readable, never buildable).
#include <doctest/doctest.h>

#include "apps/commands/inference_setup.h"
#include "apps/model/checkpoint.h"
#include "test_util.h"
#include "weights/hdf5_file.h"

using namespace uflow;
using uflow::test::error_of;

TEST_CASE("every spelling parses to its enum and prints back the same") {
  for (const char* s : {"small", "paper"})
    CHECK(std::string(app::to_string(app::parse_extractor_kind(s, "x"))) == s);
  for (const char* s : {"pinned", "scaled"})
    CHECK(std::string(to_string(app::parse_clamp_mode(s, "x"))) == s);
  for (const char* s : {"current", "legacy"})
    CHECK(std::string(to_string(app::parse_loss_variant(s, "x"))) == s);
  for (const char* s : {"tree", "block"})
    CHECK(std::string(to_string(app::parse_nfa_method(s, "x"))) == s);
  CHECK(app::parse_extractor_kind("paper", "x") == app::ExtractorKind::paper);
  CHECK(app::parse_clamp_mode("scaled", "x") == ClampMode::scaled);
  CHECK(app::parse_loss_variant("legacy", "x") == LossVariant::legacy);
  CHECK(app::parse_nfa_method("block", "x") == contrario::NfaMethod::block);
}

TEST_CASE("a wrong spelling names its source and the allowed values") {
  CHECK(error_of([] { app::parse_extractor_kind("Paper", "--extractor"); }) ==
        "--extractor: unknown extractor 'Paper' (use small, paper, resnet18 or wide_resnet50_2)");
  CHECK(error_of([] { app::parse_clamp_mode("", "--clamp-mode"); }) ==
        "--clamp-mode: unknown clamp mode '' (use pinned or scaled)");
  CHECK(error_of([] { app::parse_loss_variant("mean", "--loss"); }) ==
        "--loss: unknown loss 'mean' (use current or legacy)");
  CHECK(error_of([] { app::parse_nfa_method("trees", "--nfa"); }) ==
        "--nfa: unknown NFA method 'trees' (use tree or block)");
}

TEST_CASE("the command line cannot ask for the custom extractor of a converted checkpoint") {
  CHECK(error_of([] { app::parse_extractor_kind("custom", "--extractor"); }) ==
        "--extractor: unknown extractor 'custom' (use small, paper, resnet18 or wide_resnet50_2)");

  app::ModelSpec spec;
  spec.extractor = app::ExtractorKind::custom;
  CHECK(error_of([&] { app::extractor_config(spec); }).find("extractor custom") == 0);
}

namespace {

// A one-block flow's checkpoint with every choice away from its default.
std::string write_checkpoint(const uflow::test::ScratchDir& dir) {
  app::CheckpointInfo info;
  info.spec.extractor = app::ExtractorKind::small;
  info.spec.input_size = 64;
  info.spec.small_depth = 1;
  info.spec.flow_steps = 1;
  info.spec.clamp_mode = ClampMode::scaled;
  info.train.loss = LossVariant::legacy;
  info.epoch = 3;
  const std::string path = dir.file("ckpt.h5");
  app::save_checkpoint(path, info, *app::build_flow(info.spec), nullptr);
  return path;
}

}  // namespace

TEST_CASE("checkpoints store the choices as the strings they always had") {
  uflow::test::ScratchDir dir("spec-options");
  const std::string path = write_checkpoint(dir);
  {
    H5File f(path, 'r');
    CHECK(f.attr_string("extractor") == "small");
    CHECK(f.attr_string("clamp_mode") == "scaled");
    CHECK(f.attr_string("loss") == "legacy");
  }
  const app::CheckpointInfo back = app::read_checkpoint_info(path);
  CHECK(back.spec.extractor == app::ExtractorKind::small);
  CHECK(back.spec.clamp_mode == ClampMode::scaled);
  CHECK(back.train.loss == LossVariant::legacy);
  CHECK(back.epoch == 3);
}

TEST_CASE("a checkpoint attribute with a wrong spelling names the file and the attribute") {
  uflow::test::ScratchDir dir("spec-options-bad");
  const std::string path = write_checkpoint(dir);
  // Copy every root attribute but one into a new file, the chosen one misspelt.
  const auto rewrite = [&](const std::string& key, const std::string& value) {
    const std::string bad = dir.file(key + ".h5");
    H5File src(path, 'r');
    H5File dst(bad, 'w');
    for (const char* k : {"format", "extractor", "weights_dir", "clamp_mode", "loss"})
      dst.set_attr(k, std::string(k) == key ? value : src.attr_string(k));
    for (const char* k : {"version", "epoch", "input_size", "small_depth", "extractor_seed",
                          "flow_steps", "seed", "map_size", "epochs", "batch"})
      dst.set_attr(k, src.attr_int(k));
    for (const char* k : {"clamp", "lr", "weight_decay"}) dst.set_attr(k, src.attr_double(k));
    return bad;
  };
  CHECK(app::read_checkpoint_info(rewrite("loss", "legacy")).train.loss == LossVariant::legacy);
  CHECK(app::read_checkpoint_info(rewrite("extractor", "custom")).spec.extractor ==
        app::ExtractorKind::custom);
  const std::string e1 = rewrite("extractor", "big");
  CHECK(error_of([&] { app::read_checkpoint_info(e1); }) ==
        e1 + ": attribute extractor: unknown extractor 'big' (use small, paper, custom, resnet18 "
             "or wide_resnet50_2)");
  const std::string e2 = rewrite("clamp_mode", "Pinned");
  CHECK(error_of([&] { app::read_checkpoint_info(e2); }) ==
        e2 + ": attribute clamp_mode: unknown clamp mode 'Pinned' (use pinned or scaled)");
  const std::string e3 = rewrite("loss", "sum");
  CHECK(error_of([&] { app::read_checkpoint_info(e3); }) ==
        e3 + ": attribute loss: unknown loss 'sum' (use current or legacy)");
}
