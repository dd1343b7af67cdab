// The one place that maps a device to its backend; the CUDA branch exists only in builds with
// the CUDA backend (in others a CUDA tensor cannot be created in the first place).
#include "tensor/backend.h"

namespace uflow {

const Backend& backend(Device device) {
  switch (device) {
    case Device::cpu:
      return cpu::backend();
    case Device::cuda:
#if defined(UFLOW_WITH_CUDA)
      return cuda::backend();
#else
      break;
#endif
  }
  UFLOW_FAIL("this uflow build has no ", device_name(device), " backend");
}

}  // namespace uflow
