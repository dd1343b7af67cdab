// Strided copy with broadcasting and dtype conversion, and fill, on the GPU.
#include "tensor/cuda/check.h"
#include "tensor/cuda/cuda_backend.h"
#include "tensor/strided.h"

namespace uflow::cuda {
namespace {

template <typename D, typename S>
__global__ void copy_kernel(D* dst, const S* src, StridedIndexer<2> ix, int64_t n) {
  for (int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; i < n;
       i += (int64_t)gridDim.x * blockDim.x) {
    int64_t off[2];
    ix.offsets(i, off);
    dst[off[0]] = static_cast<D>(src[off[1]]);
  }
}

template <typename T>
__global__ void fill_kernel(T* dst, StridedIndexer<1> ix, T v, int64_t n) {
  for (int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; i < n;
       i += (int64_t)gridDim.x * blockDim.x) {
    int64_t off[1];
    ix.offsets(i, off);
    dst[off[0]] = v;
  }
}

}  // namespace

void CudaBackend::copy_strided(const Tensor& dst, const Tensor& src) const {
  const int64_t n = dst.numel();
  if (n == 0) return;
  if (dst.dtype() == src.dtype() && dst.is_contiguous() && src.is_contiguous() &&
      dst.shape() == src.shape()) {
    UFLOW_CUDA_CHECK(cudaMemcpyAsync(dst.raw_data(), src.raw_data(), n * dtype_size(dst.dtype()),
                                     cudaMemcpyDeviceToDevice, stream()));
    return;
  }
  const Tensor* ops[2] = {&dst, &src};
  const StridedIndexer<2> ix = make_indexer(dst.shape(), ops);
  dispatch_dtype(dst.dtype(), [&]<typename D>() {
    dispatch_dtype(src.dtype(), [&]<typename S>() {
      copy_kernel<<<grid_for(n), 256, 0, stream()>>>(static_cast<D*>(dst.storage()->data()),
                                                     static_cast<const S*>(src.storage()->data()),
                                                     ix, n);
    });
  });
  UFLOW_CUDA_CHECK_LAUNCH();
}

void CudaBackend::fill(const Tensor& dst, double value) const {
  const int64_t n = dst.numel();
  if (n == 0) return;
  const Tensor* ops[1] = {&dst};
  const StridedIndexer<1> ix = make_indexer(dst.shape(), ops);
  dispatch_dtype(dst.dtype(), [&]<typename T>() {
    fill_kernel<<<grid_for(n), 256, 0, stream()>>>(static_cast<T*>(dst.storage()->data()), ix,
                                                   static_cast<T>(value), n);
  });
  UFLOW_CUDA_CHECK_LAUNCH();
}

}  // namespace uflow::cuda
