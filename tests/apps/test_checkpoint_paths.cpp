// A relative extractor-weights folder in a checkpoint is recorded relative to the checkpoint's
// own folder and resolved against it when read, so a checkpoint works from any current
// directory. Checkpoints from before (a path relative to where uflow ran) are still found.
#include <doctest/doctest.h>

#include <filesystem>

#include "apps/model/checkpoint.h"
#include "test_util.h"
#include "weights/hdf5_file.h"

using namespace uflow;
namespace fs = std::filesystem;

namespace {

// Runs fn with `dir` as the current directory.
template <typename Fn>
void in_directory(const fs::path& dir, Fn&& fn) {
  const fs::path before = fs::current_path();
  fs::current_path(dir);
  try {
    fn();
  } catch (...) {
    fs::current_path(before);
    throw;
  }
  fs::current_path(before);
}

// A one-step small flow's checkpoint at `path` recording the extractor weights in `weights`.
void save_small(const std::string& path, const std::string& weights,
                app::ExtractorKind kind = app::ExtractorKind::small) {
  app::CheckpointInfo info;
  info.spec.extractor = kind;
  info.spec.input_size = 64;
  info.spec.small_depth = 1;
  info.spec.flow_steps = 1;
  info.spec.weights_dir = weights;
  if (fs::path(path).has_parent_path()) fs::create_directories(fs::path(path).parent_path());
  app::ModelSpec flow_spec = info.spec;
  flow_spec.extractor = app::ExtractorKind::small;  // the flow's shapes; nothing is loaded
  app::save_checkpoint(path, info, *app::build_flow(flow_spec), nullptr);
}

std::string recorded(const fs::path& ckpt) {
  return H5File(ckpt.string(), 'r').attr_string("weights_dir");
}

}  // namespace

TEST_CASE("a relative weights folder is recorded from the checkpoint's folder") {
  test::ScratchDir dir("ckpt-paths-record");
  fs::create_directories(dir.path() / "w2");
  in_directory(dir.path(), [] { save_small("runs/a/ckpt.h5", "w2"); });
  const fs::path ckpt = dir.path() / "runs" / "a" / "ckpt.h5";
  CHECK(recorded(ckpt) == "../../w2");
  // Read from somewhere else entirely: still the same folder.
  in_directory(dir.path() / "runs", [&] {
    const app::CheckpointInfo info = app::read_checkpoint_info(ckpt.string());
    CHECK(fs::equivalent(info.spec.weights_dir, dir.path() / "w2"));
  });
  in_directory(dir.path() / "runs" / "a", [] {
    CHECK(fs::equivalent(app::read_checkpoint_info("ckpt.h5").spec.weights_dir, "../../w2"));
  });
}

TEST_CASE("absolute and empty weights folders are kept as they are") {
  test::ScratchDir dir("ckpt-paths-absolute");
  const std::string abs = (dir.path() / "weights").string();
  save_small(dir.file("a/ckpt.h5"), abs);
  CHECK(recorded(dir.path() / "a" / "ckpt.h5") == abs);
  CHECK(app::read_checkpoint_info(dir.file("a/ckpt.h5")).spec.weights_dir == abs);
  save_small(dir.file("b/ckpt.h5"), "");
  CHECK(app::read_checkpoint_info(dir.file("b/ckpt.h5")).spec.weights_dir.empty());
}

TEST_CASE("a converted checkpoint finds its weights next to it from any directory") {
  // What tools/export_uflow_ckpt.py --weights-dir w2 writes when run in the checkpoint's folder:
  // the attribute "w2".
  test::ScratchDir dir("ckpt-paths-converted");
  const fs::path conv = dir.path() / "conv";
  fs::create_directories(conv / "w2");
  in_directory(conv, [] { save_small("ckpt.h5", "w2", app::ExtractorKind::paper); });
  REQUIRE(recorded(conv / "ckpt.h5") == "w2");
  in_directory(dir.path(), [&] {
    const app::CheckpointInfo info = app::read_checkpoint_info("conv/ckpt.h5");
    CHECK(fs::equivalent(info.spec.weights_dir, conv / "w2"));
    // The missing weight file is looked for there, and the error says how to do without.
    const std::string e = test::error_of([&] { app::build_extractor(info.spec); });
    CHECK(e.find((fs::path("conv") / "w2" / "cait_m48_448.h5").string()) == 0);
    CHECK(e.find("--extractor small") != std::string::npos);
  });
}

TEST_CASE("a checkpoint recording a path relative to where uflow ran still finds it") {
  test::ScratchDir dir("ckpt-paths-legacy");
  fs::create_directories(dir.path() / "old" / "weights");
  // Written with the old behaviour: the attribute relative to the current directory.
  in_directory(dir.path(), [] { save_small("old/ckpt.h5", "old/weights"); });
  const fs::path ckpt = dir.path() / "old" / "ckpt.h5";
  REQUIRE(recorded(ckpt) == "weights");  // as recorded now
  // Rewrite the attribute as an older uflow recorded it.
  const fs::path legacy = dir.path() / "legacy.h5";
  {
    H5File src(ckpt.string(), 'r');
    H5File dst(legacy.string(), 'w');
    for (const char* k : {"format", "extractor", "clamp_mode", "loss"})
      dst.set_attr(k, src.attr_string(k));
    dst.set_attr("weights_dir", std::string("old/weights"));
    for (const char* k : {"version", "epoch", "input_size", "small_depth", "extractor_seed",
                          "flow_steps", "seed", "map_size", "epochs", "batch"})
      dst.set_attr(k, src.attr_int(k));
    for (const char* k : {"clamp", "lr", "weight_decay"}) dst.set_attr(k, src.attr_double(k));
  }
  fs::create_directories(dir.path() / "sub");
  fs::rename(legacy, dir.path() / "sub" / "legacy.h5");
  in_directory(dir.path(), [&] {
    // Nothing at sub/old/weights; old/weights exists where uflow runs.
    CHECK(app::read_checkpoint_info("sub/legacy.h5").spec.weights_dir == "old/weights");
  });
}
