// Poisoned, corrupted and out-of-range checkpoints: NaN/Inf parameters are refused at load
// naming the dataset and are never written; every attribute is range-checked; permutations and
// optimiser state are validated; flipped bytes are checksum errors; the trainer stops at the
// first update that makes a parameter non-finite and the last good checkpoint survives.
#include <fcntl.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>

#include "apps/model/checkpoint.h"
#include "apps/model/trainer.h"
#include "checkpoint_edit.h"
#include "tensor/ops.h"
#include "test_util.h"
#include "tiny_run.h"

using namespace uflow;
using test::error_of;
using test::read_all;
using test::tiny_spec;
namespace fs = std::filesystem;

namespace {

const double kNan = std::numeric_limits<double>::quiet_NaN();

fs::path scratch(const std::string& name) {
  const fs::path d = fs::temp_directory_path() / ("uflow_ckint_" + name);
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

// A valid checkpoint of the tiny spec, with Adam state, epoch 4 of 10.
std::string good_checkpoint(const fs::path& dir) {
  auto flow = app::build_flow(tiny_spec());
  Adam adam(flow->parameters(), AdamOptions{});
  app::TrainSettings t;
  t.epochs = 10;
  const std::string path = (dir / "checkpoint.h5").string();
  app::save_checkpoint(path, {tiny_spec(), t, 4}, *flow, &adam);
  return path;
}

std::string load_error(const std::string& path) {
  return error_of([&] {
    const app::CheckpointInfo info = app::read_checkpoint_info(path);
    auto flow = app::build_flow(info.spec);
    Adam adam(flow->parameters(), AdamOptions{});
    app::load_checkpoint(path, *flow, &adam);
  });
}

}  // namespace

TEST_CASE("NaN or Inf parameters are refused at load, naming the file and the dataset") {
  const fs::path dir = scratch("nan");
  const std::string good = good_checkpoint(dir);
  CHECK(load_error(good) == "<no error>");
  const test::CheckpointContent c = test::read_checkpoint_content(good);
  for (const double bad : {kNan, std::numeric_limits<double>::infinity()}) {
    for (const std::string& prefix : {std::string("flow/"), std::string("adam/exp_avg/")}) {
      test::CheckpointContent poisoned = c;
      auto it = poisoned.tensors.lower_bound(prefix);
      REQUIRE(it != poisoned.tensors.end());
      std::vector<double> v = it->second.to_vector();
      v[v.size() / 2] = bad;
      it->second = Tensor::from_vector(v, it->second.shape(), it->second.dtype());
      const std::string path = (dir / "poisoned.h5").string();
      test::write_checkpoint_content(path, poisoned);
      const std::string msg = load_error(path);
      INFO(msg);
      CHECK(msg.rfind(path + ": dataset '" + it->first + "' holds a non-finite value (", 0) == 0);
    }
  }
  fs::remove_all(dir);
}

TEST_CASE("a model with a non-finite parameter is never written; the old checkpoint stays") {
  const fs::path dir = scratch("write");
  const std::string path = good_checkpoint(dir);
  const std::string before = read_all(path);
  auto flow = app::build_flow(tiny_spec());
  const auto params = flow->named_parameters();
  std::vector<double> v = params[0].second.to_vector();
  v[0] = kNan;
  flow->set_parameter(params[0].first, Tensor::from_vector(v, params[0].second.shape()));
  CHECK(error_of([&] {
          app::save_checkpoint(path, {tiny_spec(), {}, 5}, *flow, nullptr);
        }) == path + ": dataset 'flow/" + params[0].first +
                  "' holds a non-finite value (NaN at element 0 of shape " +
                  shape_str(params[0].second.shape()) + ")");
  CHECK(read_all(path) == before);
  CHECK_FALSE(fs::exists(path + ".tmp"));
  fs::remove_all(dir);
}

TEST_CASE("checkpoint attributes out of range are one-line errors naming the attribute") {
  const fs::path dir = scratch("attrs");
  const test::CheckpointContent c = test::read_checkpoint_content(good_checkpoint(dir));
  const std::string path = (dir / "edited.h5").string();
  struct Case {
    std::function<void(test::CheckpointContent&)> edit;
    std::string message;
  };
  const Case cases[] = {
      {[](auto& c) { c.ints["epoch"] = -5; },
       "attribute 'epoch' is -5, expected a value in [0, 10]"},
      {[](auto& c) { c.ints["epoch"] = 11; },
       "attribute 'epoch' is 11, expected a value in [0, 10]"},
      {[](auto& c) { c.reals["clamp"] = -2; },
       "attribute 'clamp' is -2, expected a finite value in (0, 100]"},
      {[](auto& c) { c.reals["clamp"] = kNan; },
       "attribute 'clamp' is nan, expected a finite value in (0, 100]"},
      {[](auto& c) { c.ints["flow_steps"] = 100000; },
       "attribute 'flow_steps' is 100000, expected a value in [1, 64]"},
      {[](auto& c) { c.ints["input_size"] = 100000; },
       "attribute 'input_size' is 100000, expected a value in [32, 1024]"},
      {[](auto& c) { c.ints["input_size"] = 100; },
       "attribute 'input_size' is 100, expected a multiple of 32"},
      {[](auto& c) { c.ints["map_size"] = 100000; },
       "attribute 'map_size' is 100000, expected a value in [8, 4096]"},
      {[](auto& c) { c.reals["lr"] = -1; },
       "attribute 'lr' is -1, expected a finite value in [0, 10]"},
      {[](auto& c) { c.ints["batch"] = -3; },
       "attribute 'batch' is -3, expected a value in [0, 4096]"},
      {[](auto& c) { c.strings["extractor"] = "huge"; },
       "attribute extractor: unknown extractor 'huge' (use small, paper, custom, resnet18 or "
       "wide_resnet50_2)"},
      {[](auto& c) { c.strings["clamp_mode"] = "none"; },
       "attribute clamp_mode: unknown clamp mode 'none' (use pinned or scaled)"},
      {[](auto& c) { c.ints["adam_step"] = -1; },
       "attribute 'adam_step' is -1, expected a value in [0, 9223372036854775807]"},
  };
  for (const Case& k : cases) {
    test::CheckpointContent edited = c;
    k.edit(edited);
    test::write_checkpoint_content(path, edited);
    CHECK(load_error(path) == path + ": " + k.message);
  }
  fs::remove_all(dir);
}

TEST_CASE("permutations, optimiser state and shapes are validated before use") {
  const fs::path dir = scratch("datasets");
  const test::CheckpointContent c = test::read_checkpoint_content(good_checkpoint(dir));
  const std::string path = (dir / "edited.h5").string();
  {
    test::CheckpointContent e = c;
    auto& perm = e.index_vectors.begin()->second;
    perm[0] = perm[1];
    test::write_checkpoint_content(path, e);
    CHECK(load_error(path) == path + ": dataset '" + e.index_vectors.begin()->first +
                                  "' is not a permutation of 0.." +
                                  std::to_string(perm.size() - 1));
  }
  {
    test::CheckpointContent e = c;
    auto it = e.tensors.lower_bound("adam/exp_avg_sq/");
    it->second = kernels::full(it->second.shape(), -1.0);
    test::write_checkpoint_content(path, e);
    CHECK(load_error(path) == path + ": dataset '" + it->first + "' holds negative values");
  }
  {
    test::CheckpointContent e = c;
    auto it = e.tensors.lower_bound("flow/");
    const Shape want = it->second.shape();
    it->second = kernels::zeros({100000});
    test::write_checkpoint_content(path, e);
    CHECK(load_error(path) == path + ": dataset '" + it->first +
                                  "' has shape [100000], the model expects " + shape_str(want));
  }
  fs::remove_all(dir);
}

TEST_CASE("a flipped byte in a saved checkpoint is an error, never different parameters") {
  const fs::path dir = scratch("flip");
  const std::string path = good_checkpoint(dir);
  // Parameters and optimiser state, as loaded.
  const auto parameters = [](const std::string& p) {
    auto flow = app::build_flow(app::read_checkpoint_info(p).spec);
    Adam adam(flow->parameters(), AdamOptions{});
    app::load_checkpoint(p, *flow, &adam);
    std::vector<double> v;
    const std::vector<Tensor> params = flow->parameters();
    for (const std::vector<Tensor>* list : {&params, &adam.exp_avg(), &adam.exp_avg_sq()})
      for (const Tensor& t : *list)
        for (double x : t.to_vector()) v.push_back(x);
    return v;
  };
  const std::vector<double> original = parameters(path);
  // Most of the file is parameter data, each chunk with its checksum; flip bytes across it.
  const std::string bytes = read_all(path);
  const std::string flipped = (dir / "flipped.h5").string();
  int refused = 0;
  for (size_t at = 0; at < bytes.size(); at += bytes.size() / 64) {
    std::string b = bytes;
    b[at] = static_cast<char>(b[at] ^ 0x10);
    std::ofstream(flipped, std::ios::binary) << b;
    std::vector<double> got;
    const std::string msg = error_of([&] { got = parameters(flipped); });
    INFO("offset ", at, ": ", msg);
    if (msg == "<no error>") {
      CHECK(got == original);  // the byte was padding or unused space
    } else {
      CHECK(msg.rfind(flipped + ": ", 0) == 0);
      ++refused;
    }
  }
  MESSAGE(refused, " of 65 flips refused");
  CHECK(refused >= 60);
  fs::remove_all(dir);
}

TEST_CASE("a checkpoint without checksums (older uflow, h5py) loads with a note") {
  const std::string path = std::string(UFLOW_FIXTURES_DIR) + "/flow/ckpt_converted.h5";
  const fs::path dir = scratch("note");
  const std::string err_path = (dir / "stderr.txt").string();
  fflush(stderr);
  const int saved = ::dup(2);
  const int fd = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  ::dup2(fd, 2);
  ::close(fd);
  UFlowConfig cfg;
  cfg.features = {{16, 4, 4}, {16, 2, 2}};
  Generator gen(1);
  UFlow flow(cfg, gen);
  const std::string msg = error_of([&] { app::load_checkpoint(path, flow, nullptr); });
  fflush(stderr);
  ::dup2(saved, 2);
  ::close(saved);
  CHECK(msg == "<no error>");
  CHECK(read_all(err_path) == "note: " + path +
                                  " has no checksums (written by an older uflow): corruption in "
                                  "it cannot be detected\n");
  fs::remove_all(dir);
}

TEST_CASE("the trainer stops at the first update that makes a parameter non-finite") {
  const test::DivergedTraining r = test::train_with_absurd_lr(Device::cpu);
  CHECK(r.error.rfind("training diverged at epoch 1, update 1: parameter '", 0) == 0);
  CHECK(r.error.find("' is not finite; try a lower --lr") != std::string::npos);
  CHECK(r.epochs_reached == 0);

  // End to end: a resumed run that diverges keeps the checkpoint it started from, and says so.
  const fs::path data = test::tiny_category("diverge");
  app::TrainRequest req = test::tiny_request(data, scratch("diverge_run") / "run", 1);
  app::run_training(req);
  const std::string ckpt = req.out + "/checkpoint.h5";
  // Parameters near the float32 maximum: finite, so they load, but the next forward overflows.
  test::CheckpointContent c = test::read_checkpoint_content(ckpt);
  for (auto& [name, t] : c.tensors)
    if (name.rfind("flow/", 0) == 0) t = kernels::full(t.shape(), 3e38);
  test::write_checkpoint_content(ckpt, c);
  const std::string before = read_all(ckpt);
  req.resume = true;
  req.train.epochs = 3;
  const std::string resumed = error_of([&] { app::run_training(req); });
  CHECK(resumed == "training diverged at epoch 2 (loss is not finite); try a lower --lr; " + ckpt +
                       " keeps epoch 1, the last good one");
  CHECK(read_all(ckpt) == before);
  fs::remove_all(data);
  fs::remove_all(fs::path(req.out).parent_path());
}
