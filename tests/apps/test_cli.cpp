// The `uflow` executable as a user meets it: --version, and errors that are one line with no
// GPU chatter on a machine where the GPU is not the question.
#include <doctest/doctest.h>

#include <cstdlib>
#include <regex>

#include "apps/commands/device_option.h"
#include "tensor/cuda/device_node.h"
#include "test_util.h"

using namespace uflow;

namespace {

struct Run {
  int status = 0;
  std::string out, err;
};

Run run_uflow(const test::ScratchDir& dir, const std::string& args) {
  const std::string out = dir.file("stdout.txt"), err = dir.file("stderr.txt");
  Run r;
  r.status = std::system(
      (std::string("'") + UFLOW_BINARY + "' " + args + " >'" + out + "' 2>'" + err + "'").c_str());
  r.out = test::read_all(out);
  r.err = test::read_all(err);
  return r;
}

}  // namespace

TEST_CASE("uflow --version prints the project version") {
  test::ScratchDir dir("cli-version");
  const Run r = run_uflow(dir, "--version");
  CHECK(r.status == 0);
  CHECK(std::regex_search(r.out, std::regex("^uflow [0-9]+\\.[0-9]+\\.[0-9]+.*, CUDA backend ")));
  CHECK(r.err.empty());
  CHECK(run_uflow(dir, "--help").out.find("uflow --version") != std::string::npos);
}

TEST_CASE("a failing command prints its error and nothing about the GPU unless it matters") {
  test::ScratchDir dir("cli-quiet");
  // --device auto (the default) is decided, then the data folder is missing.
  const Run r = run_uflow(
      dir, "train '" + dir.file("missing") + "' --extractor small --out '" + dir.file("run") + "'");
  CHECK(r.status != 0);
  const app::DeviceChoice here = app::choose_device(
      app::DeviceRequest::automatic, cuda::gpu_status(), cuda::nvidia_device_node_present());
  const std::string expected_notice = here.notice.empty() ? "" : here.notice + "\n";
  REQUIRE(r.err.size() > expected_notice.size());
  CHECK(r.err.substr(0, expected_notice.size()) == expected_notice);
  const std::string error = r.err.substr(expected_notice.size());
  CHECK(error.find("uflow train: error: ") == 0);
  CHECK(error.find('\n') == error.size() - 1);  // one line
  CHECK(error.find("GPU") == std::string::npos);
  CHECK(error.find("CUDA") == std::string::npos);
}

TEST_CASE("every command spells the device the same way") {
  test::ScratchDir dir("cli-device");
  for (const char* command : {"demo", "train", "predict", "eval", "features", "latents", "nfa",
                              "bench core", "bench extractor", "bench flow", "bench nfa"}) {
    INFO(command);
    const Run r = run_uflow(dir, std::string(command) + " --help");
    CHECK(r.status == 0);
    CHECK(r.out.find("--device <cpu|cuda|auto>") != std::string::npos);
    CHECK(r.out.find("cpu-only") == std::string::npos);
  }
}
