#include "tensor/cuda/cuda_backend.h"

namespace uflow::cuda {

CudaBackend::~CudaBackend() = default;

const Backend& backend() {
  static const CudaBackend instance;
  return instance;
}

}  // namespace uflow::cuda
