// --device: a machine without a GPU is normal and silent; the GPU is mentioned only when CUDA
// was asked for, or when `auto` finds an attached GPU that this build cannot use, and then in
// plain words. Bench commands share the vocabulary (auto: the CPU, then CUDA when usable).
#include <doctest/doctest.h>

#include "apps/commands/device_option.h"
#include "test_util.h"

using namespace uflow;
using app::DeviceRequest;
using cuda::GpuState;
using cuda::GpuStatus;
using uflow::test::error_of;

namespace {

const GpuStatus kUsable{GpuState::usable, ""};
const GpuStatus kNotBuilt{GpuState::not_built, "built without CUDA"};
const GpuStatus kNoGpu{GpuState::no_gpu, "CUDA reports no device"};
const GpuStatus kOldDriver{GpuState::unusable,
                           "the NVIDIA driver is too old for this build: it supports CUDA 12.2, "
                           "this build needs CUDA 13.0"};

}  // namespace

TEST_CASE("device spellings") {
  CHECK(app::parse_device_request("cpu", "--device") == DeviceRequest::cpu);
  CHECK(app::parse_device_request("cuda", "--device") == DeviceRequest::cuda);
  CHECK(app::parse_device_request("auto", "--device") == DeviceRequest::automatic);
  CHECK(error_of([] { app::parse_device_request("gpu", "--device"); }) ==
        "--device: unknown device 'gpu' (use cpu, cuda or auto)");
}

TEST_CASE("auto is silent on a machine without a usable GPU unless one is attached") {
  for (const GpuStatus& s : {kNotBuilt, kNoGpu}) {
    for (bool attached : {false, true}) {
      const app::DeviceChoice c = app::choose_device(DeviceRequest::automatic, s, attached);
      CHECK(c.device == Device::cpu);
      CHECK(c.notice.empty());
    }
  }
  // CUDA libraries that answer "driver too old" on a machine with no GPU at all: silent.
  CHECK(app::choose_device(DeviceRequest::automatic, kOldDriver, false).notice.empty());
  const app::DeviceChoice c = app::choose_device(DeviceRequest::automatic, kOldDriver, true);
  CHECK(c.device == Device::cpu);
  CHECK(c.notice ==
        "uflow: a GPU is attached but cannot be used: the NVIDIA driver is too old for this "
        "build: it supports CUDA 12.2, this build needs CUDA 13.0; running on the CPU");
  CHECK(app::choose_device(DeviceRequest::automatic, kUsable, true).device == Device::cuda);
  CHECK(app::choose_device(DeviceRequest::cpu, kOldDriver, true).notice.empty());
}

TEST_CASE("--device cuda without a usable GPU says why in plain words") {
  CHECK(error_of([] { app::choose_device(DeviceRequest::cuda, kNoGpu, false); }) ==
        "--device cuda: no GPU found (CUDA reports no device)");
  CHECK(error_of([] { app::choose_device(DeviceRequest::cuda, kNotBuilt, false); }) ==
        "--device cuda: this uflow was built without CUDA (rebuild with a CUDA toolkit "
        "installed)");
  CHECK(error_of([] { app::choose_device(DeviceRequest::cuda, kOldDriver, true); }) ==
        "--device cuda: " + kOldDriver.reason);
  CHECK(app::choose_device(DeviceRequest::cuda, kUsable, true).device == Device::cuda);
}

TEST_CASE("benchmarks take the same --device: auto is the CPU, then CUDA when usable") {
  CHECK(app::parse_bench_devices("cpu", "--device") == std::vector<Device>{Device::cpu});
  const std::vector<Device> all = app::parse_bench_devices("auto", "--device");
  REQUIRE(!all.empty());
  CHECK(all[0] == Device::cpu);
  CHECK(all.size() == (cuda::available() ? 2u : 1u));
  CHECK(error_of([] { app::parse_bench_devices("all", "--device"); }) ==
        "--device: unknown device 'all' (use cpu, cuda or auto)");
}
