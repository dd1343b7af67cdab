#include "apps/commands/device_option.h"

#include <cstdio>

#include "tensor/cuda/device_node.h"

namespace uflow::app {

DeviceRequest parse_device_request(const std::string& text, const std::string& source) {
  if (text == "cpu") return DeviceRequest::cpu;
  if (text == "cuda") return DeviceRequest::cuda;
  if (text == "auto" || text.empty()) return DeviceRequest::automatic;
  UFLOW_FAIL(source, ": unknown device '", text, "' (use cpu, cuda or auto)");
}

std::string gpu_problem(const cuda::GpuStatus& status) {
  switch (status.state) {
    case cuda::GpuState::usable:
      return "";
    case cuda::GpuState::not_built:
      return "this uflow was built without CUDA (rebuild with a CUDA toolkit installed)";
    case cuda::GpuState::no_gpu:
      return "no GPU found (" + status.reason + ")";
    case cuda::GpuState::unusable:
      break;
  }
  return status.reason;
}

DeviceChoice choose_device(DeviceRequest request, const cuda::GpuStatus& status,
                           bool gpu_attached) {
  if (request == DeviceRequest::cpu) return {Device::cpu, ""};
  const bool usable = status.state == cuda::GpuState::usable;
  if (request == DeviceRequest::cuda) {
    UFLOW_CHECK(usable, "--device cuda: ", gpu_problem(status));
    return {Device::cuda, ""};
  }
  if (usable) return {Device::cuda, ""};
  // auto: only a GPU that is there but cannot be used is worth a word.
  if (status.state == cuda::GpuState::unusable && gpu_attached)
    return {Device::cpu, "uflow: a GPU is attached but cannot be used: " + gpu_problem(status) +
                             "; running on the CPU"};
  return {Device::cpu, ""};
}

Device parse_device(const std::string& text, const std::string& source) {
  const DeviceRequest request = parse_device_request(text, source);
  if (request == DeviceRequest::cpu) return Device::cpu;
  const DeviceChoice choice =
      choose_device(request, cuda::gpu_status(), cuda::nvidia_device_node_present());
  static bool noticed = false;  // once per process, however many commands parse --device
  if (!choice.notice.empty() && !noticed) {
    std::fprintf(stderr, "%s\n", choice.notice.c_str());
    noticed = true;
  }
  return choice.device;
}

std::vector<Device> parse_bench_devices(const std::string& text, const std::string& source) {
  if (parse_device_request(text, source) != DeviceRequest::automatic)
    return {parse_device(text, source)};
  std::vector<Device> devices{Device::cpu};
  if (parse_device(text, source) == Device::cuda) devices.push_back(Device::cuda);
  return devices;
}

}  // namespace uflow::app
