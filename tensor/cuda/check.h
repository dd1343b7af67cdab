// Checking macros for CUDA, cuBLAS and cuDNN calls: a failure throws uflow::Error naming the
// call, the file and line, and the library's own error text.
#pragma once
#include <cublas_v2.h>
#include <cuda_runtime.h>
#include <cudnn.h>

#include "tensor/caching_allocator.h"
#include "tensor/error.h"

#define UFLOW_CUDA_CHECK(call)                                                   \
  do {                                                                           \
    cudaError_t err_ = (call);                                                   \
    if (err_ != cudaSuccess)                                                     \
      UFLOW_FAIL("CUDA error in ", #call, " at ", __FILE__, ":", __LINE__, ": ", \
                 cudaGetErrorString(err_));                                      \
  } while (0)

#define UFLOW_CUBLAS_CHECK(call)                                                   \
  do {                                                                             \
    cublasStatus_t st_ = (call);                                                   \
    if (st_ != CUBLAS_STATUS_SUCCESS)                                              \
      UFLOW_FAIL("cuBLAS error in ", #call, " at ", __FILE__, ":", __LINE__, ": ", \
                 cublasGetStatusString(st_));                                      \
  } while (0)

#define UFLOW_CUDNN_CHECK(call)                                                   \
  do {                                                                            \
    cudnnStatus_t st_ = (call);                                                   \
    if (st_ != CUDNN_STATUS_SUCCESS)                                              \
      UFLOW_FAIL("cuDNN error in ", #call, " at ", __FILE__, ":", __LINE__, ": ", \
                 cudnnGetErrorString(st_));                                       \
  } while (0)

// Checks the last kernel launch.
#define UFLOW_CUDA_CHECK_LAUNCH() UFLOW_CUDA_CHECK(cudaGetLastError())

namespace uflow::cuda {
// The one stream every kernel, copy and library call of uflow runs on.
cudaStream_t stream();
cublasHandle_t cublas();
cudnnHandle_t cudnn();
// The allocator behind allocate()/release() (tensor/cuda/runtime.cu).
CachingAllocator& caching_allocator();
// Grid size for n elements at the given block size (capped; kernels use grid-stride loops).
inline unsigned grid_for(long long n, unsigned block = 256) {
  long long g = (n + block - 1) / block;
  if (g > 65535LL * 16) g = 65535LL * 16;
  return static_cast<unsigned>(g < 1 ? 1 : g);
}
}  // namespace uflow::cuda
