// Training end to end at a tiny size: determinism (same seed, same bits), checkpoint + resume
// gives the same losses and parameters as an uninterrupted run, and checkpoint errors.
#include <filesystem>
#include <fstream>
#include <sstream>

#include "apps/apps_test_util.h"
#include "apps/commands/train_command.h"
#include "apps/model/checkpoint.h"
#include "test_util.h"

using namespace uflow;
namespace fs = std::filesystem;

namespace {

// Every file this executable writes lives here.
const test::ScratchDir& scratch() {
  static const test::ScratchDir dir("train-resume");
  return dir;
}

fs::path tiny_category() {
  static const fs::path root = [] {
    const fs::path d = scratch().path() / "train_data";
    test::write_tiny_category(d.string(), 48, 6, 1);
    return d;
  }();
  return root;
}

app::TrainRequest request(const std::string& out, int64_t epochs) {
  app::TrainRequest r;
  r.data = tiny_category().string();
  r.out = scratch().file(out);
  r.spec.extractor = app::ExtractorKind::small;
  r.spec.input_size = 64;  // features 192×4×4 and 192×2×2
  r.spec.small_depth = 1;
  r.spec.flow_steps = 2;
  r.train.epochs = epochs;
  r.train.batch = 4;
  r.train.lr = 1e-3;
  r.checkpoint_every = 1;
  return r;
}

std::vector<double> flow_values(const std::string& ckpt) {
  const app::CheckpointInfo info = app::read_checkpoint_info(ckpt);
  auto flow = app::build_flow(info.spec);
  app::load_checkpoint(ckpt, *flow, nullptr);
  std::vector<double> out;
  for (const Tensor& p : flow->parameters())
    for (double v : p.to_vector()) out.push_back(v);
  return out;
}

// Loss column only (timings differ between runs).
std::string losses(const std::string& csv) {
  std::string out, line;
  std::istringstream is(csv);
  while (std::getline(is, line)) {
    const size_t a = line.find(','), b = line.find(',', a + 1);
    out += line.substr(0, b) + "\n";
  }
  return out;
}

}  // namespace

TEST_CASE("training is deterministic and resuming equals an uninterrupted run") {
  const auto full = app::run_training(request("uflow_test_full", 3));
  const auto again = app::run_training(request("uflow_test_again", 3));
  CHECK(full.final_loss == again.final_loss);
  CHECK(flow_values(full.checkpoint) == flow_values(again.checkpoint));

  app::run_training(request("uflow_test_split", 1));
  app::TrainRequest resume = request("uflow_test_split", 3);
  resume.resume = true;
  const auto resumed = app::run_training(resume);
  CHECK(resumed.epochs == 3);
  CHECK(resumed.final_loss == full.final_loss);
  CHECK(flow_values(resumed.checkpoint) == flow_values(full.checkpoint));
  CHECK(
      losses(test::read_all((fs::path(resumed.checkpoint).parent_path() / "loss.csv").string())) ==
      losses(test::read_all((fs::path(full.checkpoint).parent_path() / "loss.csv").string())));
}

TEST_CASE("features cached on disk train exactly like features in memory") {
  const auto mem = app::run_training(request("uflow_test_mem", 2));
  app::TrainRequest r = request("uflow_test_disk", 2);
  r.cache_limit = 0;  // everything goes to the HDF5 cache
  const auto disk = app::run_training(r);
  CHECK(disk.final_loss == mem.final_loss);
  CHECK(flow_values(disk.checkpoint) == flow_values(mem.checkpoint));
  CHECK(!fs::exists(fs::path(r.out) / "features_cache.h5"));
}

TEST_CASE("checkpoint errors name the file; a failed write keeps the old checkpoint") {
  const fs::path dir = scratch().path() / "ckpt";
  fs::create_directories(dir);
  const fs::path bogus = dir / "bogus.h5";
  std::ofstream(bogus) << "not hdf5";
  const std::string expected = bogus.string() + ": not an HDF5 file";
  CHECK_THROWS_WITH_AS(app::read_checkpoint_info(bogus.string()),
                       doctest::Contains(expected.c_str()), Error);
  CHECK_THROWS_WITH_AS(app::read_checkpoint_info((dir / "none.h5").string()),
                       doctest::Contains("none.h5: file not found"), Error);

  app::ModelSpec spec;
  spec.input_size = 64;
  spec.flow_steps = 1;
  auto flow = app::build_flow(spec);
  const fs::path good = dir / "checkpoint.h5";
  app::save_checkpoint(good.string(), {spec, {}, 4}, *flow, nullptr);
  const std::string before = test::read_all(good.string());
  // The temporary file cannot be created where a folder of that name already exists.
  fs::create_directories(good.string() + ".tmp");
  CHECK_THROWS_AS(app::save_checkpoint(good.string(), {spec, {}, 5}, *flow, nullptr), Error);
  CHECK(test::read_all(good.string()) == before);
  CHECK(app::read_checkpoint_info(good.string()).epoch == 4);
  fs::remove_all(dir);
}
