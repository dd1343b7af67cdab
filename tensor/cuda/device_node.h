// Whether an NVIDIA GPU is attached, independently of CUDA: a device node /dev/nvidia<N>.
// Tells "no GPU here" (normal on a CPU machine) from "a GPU CUDA cannot use" (a fault to report).
#pragma once
#include <algorithm>
#include <cctype>
#include <filesystem>
#include <string>
#include <system_error>

namespace uflow::cuda {

// True when /dev holds an NVIDIA GPU device node (nvidia0, nvidia1, ...): a GPU is attached,
// whether or not CUDA can use it. /dev/nvidiactl alone (no digit) is not a GPU.
inline bool nvidia_device_node_present() {
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/dev", ec)) {
    const std::string name = entry.path().filename().string();
    if (name.size() > 6 && name.compare(0, 6, "nvidia") == 0 &&
        std::all_of(name.begin() + 6, name.end(), [](unsigned char c) { return std::isdigit(c); }))
      return true;
  }
  return false;
}

}  // namespace uflow::cuda
