// --device parsing shared by every command: cpu, cuda, or auto (cuda when a GPU is usable).
#pragma once
#include <string>

#include "tensor/cuda/runtime.h"

namespace uflow::app {

inline Device parse_device(const std::string& s) {
  if (s == "auto" || s.empty()) return default_device();
  if (s == "cpu") return Device::cpu;
  UFLOW_CHECK(s == "cuda", "unknown device '", s, "' (use cpu, cuda or auto)");
  UFLOW_CHECK(cuda::available(), "--device cuda: no usable CUDA GPU (or this build has no CUDA)");
  return Device::cuda;
}

}  // namespace uflow::app
