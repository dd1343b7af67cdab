// When a GPU test may report itself skipped (exit 77, which CTest shows as "Skipped") and when
// it must fail instead. A skip is only honest on a machine that has no GPU: where one is
// present but CUDA cannot use it (driver too old, initialisation error) every CUDA test would
// otherwise "pass" as skipped and hide the problem.
#pragma once
#include <cstdio>
#include <cstdlib>
#include <string>

#include "tensor/cuda/device_node.h"
#include "tensor/cuda/runtime.h"

namespace uflow::test {

enum class GpuTestVerdict { run, skip, fail };
struct GpuTestDecision {
  GpuTestVerdict verdict = GpuTestVerdict::run;
  std::string message;  // one line, empty for run
};

// The policy, apart from the machine so that it can be tested: `device_node` is whether an
// NVIDIA device node exists, `required` whether the environment asks for a GPU
// (UFLOW_REQUIRE_GPU=1: a run on a GPU machine, where any skip is a failure).
inline GpuTestDecision decide_gpu_test(const cuda::GpuStatus& status, bool device_node,
                                       bool required) {
  using cuda::GpuState;
  if (status.state == GpuState::usable) return {GpuTestVerdict::run, ""};
  const std::string why = status.reason.empty() ? "unknown reason" : status.reason;
  if (required)
    return {GpuTestVerdict::fail,
            "no usable CUDA GPU (" + why + ") but UFLOW_REQUIRE_GPU=1 asks for one"};
  const bool gpu_missing =
      status.state == GpuState::not_built || status.state == GpuState::no_gpu || !device_node;
  if (gpu_missing)
    return {GpuTestVerdict::skip, "no CUDA GPU on this machine (" + why +
                                      (device_node ? "" : "; no /dev/nvidia<N> device") +
                                      "); CPU-vs-CUDA parity not run"};
  return {GpuTestVerdict::fail, "a GPU is present (/dev/nvidia<N>) but CUDA cannot use it: " + why};
}

using cuda::nvidia_device_node_present;

inline bool gpu_required_by_environment() {
  const char* v = std::getenv("UFLOW_REQUIRE_GPU");
  return v != nullptr && std::string(v) == "1";
}

// Returns when the GPU is usable; otherwise ends the test executable as skipped (exit 77) or
// failed (exit 1), saying why.
inline void require_cuda_or_skip() {
  const GpuTestDecision d = decide_gpu_test(cuda::gpu_status(), nvidia_device_node_present(),
                                            gpu_required_by_environment());
  if (d.verdict == GpuTestVerdict::run) return;
  const bool skip = d.verdict == GpuTestVerdict::skip;
  std::printf("%s%s\n", skip ? "SKIPPED: " : "FAILED: ", d.message.c_str());
  std::fflush(stdout);
  std::exit(skip ? 77 : 1);
}

}  // namespace uflow::test

// Ends the test executable as skipped when the machine has no GPU, or as failed when a GPU is
// present but unusable or UFLOW_REQUIRE_GPU=1 is set (see decide_gpu_test).
#define UFLOW_REQUIRE_CUDA_OR_SKIP() ::uflow::test::require_cuda_or_skip()
