// The one place that maps a device to its NFA backend (as tensor/backend.cpp does for the ops).
#include "contrario/nfa_backend.h"

namespace uflow::contrario {

const NfaBackend& cpu_nfa_backend();   // contrario/nfa_backend_cpu.cpp
const NfaBackend& cuda_nfa_backend();  // contrario/cuda/nfa_backend_cuda.cu (CUDA builds)

const NfaBackend& nfa_backend(Device device) {
  switch (device) {
    case Device::cpu:
      return cpu_nfa_backend();
    case Device::cuda:
#if defined(UFLOW_WITH_CUDA)
      return cuda_nfa_backend();
#else
      break;
#endif
  }
  UFLOW_FAIL("this uflow build has no ", device_name(device), " backend for the NFA");
}

}  // namespace uflow::contrario
