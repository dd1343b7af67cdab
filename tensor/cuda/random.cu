// Philox random tensors on the GPU, element for element the same formulas as the CPU loop.
#include "tensor/cuda/check.h"
#include "tensor/cuda/cuda_backend.h"
#include "tensor/philox.h"

namespace uflow::cuda {
namespace {

template <typename T>
__global__ void uniform_kernel(T* out, int64_t n, uint64_t seed, uint64_t offset, T lo, T span) {
  for (int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; i < n;
       i += (int64_t)gridDim.x * blockDim.x)
    out[i] = philox::uniform<T>(seed, offset + i, lo, span);
}

template <typename T>
__global__ void normal_kernel(T* out, int64_t n, uint64_t seed, uint64_t offset, double mean,
                              double std) {
  for (int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; i < n;
       i += (int64_t)gridDim.x * blockDim.x)
    out[i] = philox::normal<T>(seed, offset + i, mean, std);
}

}  // namespace

void CudaBackend::rand_uniform(const Tensor& out, uint64_t seed, uint64_t offset, double lo,
                               double hi) const {
  const int64_t n = out.numel();
  if (n == 0) return;
  dispatch_dtype(out.dtype(), [&]<typename T>() {
    uniform_kernel<T><<<grid_for(n), 256, 0, stream()>>>(
        out.data<T>(), n, seed, offset, static_cast<T>(lo), static_cast<T>(hi - lo));
  });
  UFLOW_CUDA_CHECK_LAUNCH();
}

void CudaBackend::rand_normal(const Tensor& out, uint64_t seed, uint64_t offset, double mean,
                              double std) const {
  const int64_t n = out.numel();
  if (n == 0) return;
  dispatch_dtype(out.dtype(), [&]<typename T>() {
    normal_kernel<T><<<grid_for(n), 256, 0, stream()>>>(out.data<T>(), n, seed, offset, mean, std);
  });
  UFLOW_CUDA_CHECK_LAUNCH();
}

}  // namespace uflow::cuda
