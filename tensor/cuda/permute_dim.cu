// Gather along one dim by a permutation, on the GPU.
#include "tensor/cuda/check.h"
#include "tensor/cuda/cuda_backend.h"
#include "tensor/cuda/device_tables.h"

namespace uflow::cuda {
namespace {

template <typename T>
__global__ void permute_dim_kernel(T* out, const T* x, const int64_t* perm, int64_t outer,
                                   int64_t n, int64_t inner) {
  const int64_t total = outer * n * inner;
  for (int64_t idx = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; idx < total;
       idx += (int64_t)gridDim.x * blockDim.x) {
    const int64_t k = idx % inner;
    const int64_t i = (idx / inner) % n;
    const int64_t a = idx / (inner * n);
    out[idx] = x[(a * n + perm[i]) * inner + k];
  }
}

}  // namespace

void CudaBackend::permute_dim(const Tensor& out, const Tensor& x, int64_t outer, int64_t n,
                              int64_t inner, const std::vector<int64_t>& perm) const {
  // The index list is uploaded once per distinct permutation (tensor/cuda/device_tables.h).
  const int64_t* idx = device_table(perm);
  const int64_t total = outer * n * inner;
  dispatch_dtype(x.dtype(), [&]<typename T>() {
    permute_dim_kernel<<<grid_for(total), 256, 0, stream()>>>(out.data<T>(), x.data<T>(), idx,
                                                              outer, n, inner);
  });
  UFLOW_CUDA_CHECK_LAUNCH();
}

}  // namespace uflow::cuda
