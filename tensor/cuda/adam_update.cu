// The fused Adam update on the GPU: one launch per pack of up to kPack parameters, the pack's
// pointers passed by value as the kernel's argument; blockIdx.y picks the parameter and the
// blocks along x stride over its elements.
#include <algorithm>

#include "tensor/adam_math.h"
#include "tensor/cuda/cuda_backend.h"

namespace uflow::cuda {
namespace {

constexpr int kPack = 32;
constexpr int kThreads = 256;

template <typename T>
struct AdamPack {
  T* p[kPack];
  const T* g[kPack];
  T* m[kPack];
  T* v[kPack];
  int64_t n[kPack];
};

template <typename T>
__global__ void adam_kernel(AdamPack<T> pack, adam::Coefficients<T> c) {
  const int t = blockIdx.y;
  const int64_t n = pack.n[t];
  T *p = pack.p[t], *m = pack.m[t], *v = pack.v[t];
  const T* g = pack.g[t];
  for (int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; i < n;
       i += (int64_t)gridDim.x * blockDim.x)
    adam::update(p[i], g[i], m[i], v[i], c);
}

}  // namespace

void CudaBackend::adam_update(const std::vector<kernels::AdamTensors>& groups,
                              const AdamStepArgs& args) const {
  dispatch_dtype(groups.front().param.dtype(), [&]<typename T>() {
    const adam::Coefficients<T> c = adam::coefficients<T>(args);
    for (size_t first = 0; first < groups.size(); first += kPack) {
      const size_t count = std::min<size_t>(kPack, groups.size() - first);
      AdamPack<T> pack{};
      int64_t largest = 0;
      for (size_t k = 0; k < count; ++k) {
        const kernels::AdamTensors& t = groups[first + k];
        pack.p[k] = t.param.data<T>();
        pack.g[k] = t.grad.data<T>();
        pack.m[k] = t.m.data<T>();
        pack.v[k] = t.v.data<T>();
        pack.n[k] = t.param.numel();
        largest = std::max(largest, pack.n[k]);
      }
      if (largest == 0) continue;
      adam_kernel<<<dim3(grid_for(largest, kThreads), static_cast<unsigned>(count)), kThreads, 0,
                    stream()>>>(pack, c);
      UFLOW_CUDA_CHECK_LAUNCH();
    }
  });
}

}  // namespace uflow::cuda
