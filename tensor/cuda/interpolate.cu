// Separable resampling on the GPU. Each thread owns one output element and sums its row's
// taps in table order, so the forward and the (transposed-table) backward are both gathers:
// no atomics, deterministic, and the same accumulation order as the CPU.
#include "tensor/cuda/check.h"
#include "tensor/cuda/cuda_backend.h"
#include "tensor/cuda/device_tables.h"

namespace uflow::cuda {
namespace {

template <typename T>
__global__ void interp_apply_kernel(T* y, const T* x, const int64_t* row, const int64_t* col,
                                    const T* weight, int64_t outer, int64_t n_in, int64_t n_out,
                                    int64_t inner) {
  const int64_t total = outer * n_out * inner;
  for (int64_t idx = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; idx < total;
       idx += (int64_t)gridDim.x * blockDim.x) {
    const int64_t k = idx % inner;
    const int64_t o = (idx / inner) % n_out;
    const int64_t a = idx / (inner * n_out);
    const T* in = x + a * n_in * inner + k;
    T acc = 0;
    for (int64_t e = row[o]; e < row[o + 1]; ++e) acc += weight[e] * in[col[e] * inner];
    y[idx] = acc;
  }
}

}  // namespace

void CudaBackend::interp_apply(const Tensor& y, const Tensor& x, int64_t outer, int64_t inner,
                               const InterpTable& t) const {
  // The taps are uploaded once per distinct table (tensor/cuda/device_tables.h); the weights
  // in the tensor's dtype (exact: see the table).
  const int64_t* row = device_table(t.row);
  const int64_t* col = device_table(t.col);
  dispatch_dtype(x.dtype(), [&]<typename T>() {
    const T* weight = device_table(std::vector<T>(t.weight.begin(), t.weight.end()));
    interp_apply_kernel<<<grid_for(y.numel()), 256, 0, stream()>>>(
        y.data<T>(), x.data<T>(), row, col, weight, outer, t.n_in, t.n_out, inner);
  });
  UFLOW_CUDA_CHECK_LAUNCH();
}

}  // namespace uflow::cuda
