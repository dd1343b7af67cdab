// The GPU test policy (tests/gpu_skip.h): skip only where there is no GPU, fail where a GPU is
// present but unusable or UFLOW_REQUIRE_GPU=1 asks for one.
#include <cstdlib>
#include <optional>
#include <string>

#include "test_util.h"

using namespace uflow;
using cuda::GpuState;
using cuda::GpuStatus;
using test::decide_gpu_test;
using test::GpuTestVerdict;

TEST_CASE("a usable GPU always runs the test") {
  const GpuStatus usable{GpuState::usable, ""};
  for (bool node : {false, true})
    for (bool required : {false, true}) {
      CAPTURE(node);
      CAPTURE(required);
      const auto d = decide_gpu_test(usable, node, required);
      CHECK(d.verdict == GpuTestVerdict::run);
      CHECK(d.message.empty());
    }
}

TEST_CASE("no GPU on the machine: skipped, with the reason") {
  const GpuStatus no_driver{GpuState::no_gpu, "no CUDA driver is installed"};
  auto d = decide_gpu_test(no_driver, false, false);
  CHECK(d.verdict == GpuTestVerdict::skip);
  CHECK(d.message.find("no CUDA driver is installed") != std::string::npos);
  CHECK(d.message.find("/dev/nvidia") != std::string::npos);

  // CUDA hides the device (CUDA_VISIBLE_DEVICES=""): no device as far as this run goes.
  d = decide_gpu_test({GpuState::no_gpu, "CUDA reports no device"}, true, false);
  CHECK(d.verdict == GpuTestVerdict::skip);

  d = decide_gpu_test({GpuState::not_built, "built without CUDA"}, true, false);
  CHECK(d.verdict == GpuTestVerdict::skip);
  CHECK(d.message.find("built without CUDA") != std::string::npos);

  // An error from CUDA without any GPU device node: nothing to use, so still a skip.
  d = decide_gpu_test({GpuState::unusable, "CUDA cannot use the GPU: x"}, false, false);
  CHECK(d.verdict == GpuTestVerdict::skip);
}

TEST_CASE("a GPU that CUDA cannot use fails, naming the cause") {
  const GpuStatus old_driver{GpuState::unusable,
                             "the CUDA driver supports CUDA 12.4 but this build's runtime needs "
                             "CUDA 13.0"};
  const auto d = decide_gpu_test(old_driver, true, false);
  CHECK(d.verdict == GpuTestVerdict::fail);
  CHECK(d.message.find("CUDA 12.4") != std::string::npos);
  CHECK(d.message.find("/dev/nvidia") != std::string::npos);
}

TEST_CASE("UFLOW_REQUIRE_GPU=1 turns every skip into a failure") {
  for (GpuState s : {GpuState::not_built, GpuState::no_gpu, GpuState::unusable})
    for (bool node : {false, true}) {
      CAPTURE(static_cast<int>(s));
      CAPTURE(node);
      const auto d = decide_gpu_test({s, "why"}, node, true);
      CHECK(d.verdict == GpuTestVerdict::fail);
      CHECK(d.message.find("UFLOW_REQUIRE_GPU=1") != std::string::npos);
      CHECK(d.message.find("why") != std::string::npos);
    }
}

TEST_CASE("UFLOW_REQUIRE_GPU is read from the environment, only \"1\" requires") {
  const char* before = std::getenv("UFLOW_REQUIRE_GPU");
  const std::optional<std::string> saved =
      before ? std::optional<std::string>(before) : std::nullopt;
  unsetenv("UFLOW_REQUIRE_GPU");
  CHECK_FALSE(test::gpu_required_by_environment());
  setenv("UFLOW_REQUIRE_GPU", "0", 1);
  CHECK_FALSE(test::gpu_required_by_environment());
  setenv("UFLOW_REQUIRE_GPU", "1", 1);
  CHECK(test::gpu_required_by_environment());
  if (saved)
    setenv("UFLOW_REQUIRE_GPU", saved->c_str(), 1);
  else
    unsetenv("UFLOW_REQUIRE_GPU");
}

TEST_CASE("gpu_status agrees with available() and explains every unusable state") {
  const GpuStatus s = cuda::gpu_status();
  CHECK(cuda::available() == (s.state == GpuState::usable));
  CHECK(s.reason.empty() == (s.state == GpuState::usable));
#ifndef UFLOW_WITH_CUDA
  CHECK(s.state == GpuState::not_built);
  CHECK(s.reason == "built without CUDA");
#endif
}
