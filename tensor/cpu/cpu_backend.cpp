#include "tensor/cpu/cpu_backend.h"

namespace uflow::cpu {

CpuBackend::~CpuBackend() = default;

const Backend& backend() {
  static const CpuBackend instance;
  return instance;
}

}  // namespace uflow::cpu
