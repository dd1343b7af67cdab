// --device parsing shared by every command: cpu, cuda, or auto (cuda when a GPU is usable).
// A machine without a GPU is normal and stays silent; the user hears about the GPU only when
// they asked for CUDA, or when `auto` finds a GPU attached that this build cannot use.
#pragma once
#include <string>
#include <vector>

#include "tensor/cuda/runtime.h"

namespace uflow::app {

enum class DeviceRequest { cpu, cuda, automatic };
// "cpu", "cuda" or "auto"; `source` (e.g. "--device") starts the error line.
DeviceRequest parse_device_request(const std::string& text, const std::string& source);

struct DeviceChoice {
  Device device = Device::cpu;
  std::string notice;  // one line for stderr, empty when there is nothing to say
};
// The policy apart from the machine, so that it can be tested: `status` is what CUDA found,
// `gpu_attached` whether an NVIDIA device node exists. Throws for cuda without a usable GPU.
DeviceChoice choose_device(DeviceRequest request, const cuda::GpuStatus& status, bool gpu_attached);
// Plain words for why CUDA cannot be used ("no GPU found (...)", "the NVIDIA driver is too
// old for this build: ...").
std::string gpu_problem(const cuda::GpuStatus& status);

// Parses --device and decides on this machine, printing the notice if there is one.
Device parse_device(const std::string& text, const std::string& source = "--device");
// For benchmarks that compare devices: cpu, cuda, or auto = the CPU, then CUDA when usable.
std::vector<Device> parse_bench_devices(const std::string& text, const std::string& source);

}  // namespace uflow::app
