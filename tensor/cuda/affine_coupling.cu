// The affine coupling of AllInOneBlock on the GPU (the math is tensor/coupling_math.h): the
// forward is one element-wise kernel; the backward runs one block per (sample, channel) plane,
// so the plane sums that give the global scale's and offset's gradients are block reductions;
// Σ s per sample is a two-pass reduction in a fixed order (the same bits on every run).
#include <vector>

#include "tensor/coupling_math.h"
#include "tensor/cuda/block_reduce.cuh"
#include "tensor/cuda/check.h"
#include "tensor/cuda/cuda_backend.h"
#include "tensor/cuda/device_tables.h"
#include "tensor/cuda/runtime.h"

namespace uflow::cuda {
namespace {

constexpr int kThreads = 256;
constexpr int64_t kChunk = 8192;  // elements per block in the first pass of Σ s

// perm as a device table, identity (0..C-1) when empty: uploaded once per distinct permutation
// and kept on the GPU (tensor/cuda/device_tables.h), so a step never waits on the copy.
const int64_t* device_indices(const std::vector<int64_t>& perm, int64_t C) {
  if (!perm.empty()) return device_table(perm);
  std::vector<int64_t> identity(static_cast<size_t>(C));
  for (int64_t c = 0; c < C; ++c) identity[static_cast<size_t>(c)] = c;
  return device_table(identity);
}

template <typename T>
__global__ void coupling_forward_kernel(T* y, const T* x, const T* a, const T* scale,
                                        const T* offset, const int64_t* perm, int64_t B, int64_t C,
                                        int64_t hw, CouplingSpec spec) {
  const T clamp = static_cast<T>(spec.clamp), inv_clamp = static_cast<T>(1.0 / spec.clamp);
  const int64_t total = B * C * hw;
  for (int64_t idx = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; idx < total;
       idx += (int64_t)gridDim.x * blockDim.x) {
    const int64_t i = idx % hw, plane = idx / hw, b = plane / C, o = plane % C;
    const int64_t c = perm[o];
    const T xv = x[(b * C + c) * hw + i];
    if (c < spec.c1) {
      y[idx] = xv * scale[c] + offset[c];
    } else {
      const int64_t k = c - spec.c1;
      const T a_s = a[(b * 2 * spec.c2 + k) * hw + i];
      const T a_t = a[(b * 2 * spec.c2 + spec.c2 + k) * hw + i];
      const T s = coupling::log_scale(a_s, clamp, inv_clamp, spec.scaled);
      y[idx] = (xv * coupling::exp_of(s) + coupling::shift(a_t)) * scale[c] + offset[c];
    }
  }
}

// One block per input plane (b, c); inverse[c] is the output channel that plane went to.
template <typename T>
__global__ void coupling_backward_kernel(T* dx, T* da, T* dscale_bc, T* doffset_bc, const T* dy,
                                         const T* x, const T* a, const T* scale,
                                         const int64_t* inverse, int64_t B, int64_t C, int64_t hw,
                                         CouplingSpec spec) {
  __shared__ double shared[32];
  const T clamp = static_cast<T>(spec.clamp), inv_clamp = static_cast<T>(1.0 / spec.clamp);
  for (int64_t plane = blockIdx.x; plane < B * C; plane += gridDim.x) {
    const int64_t b = plane / C, c = plane % C;
    const T S = scale[c];
    const T* g = dy + (b * C + inverse[c]) * hw;
    const T* xc = x + plane * hw;
    T* dxc = dx + plane * hw;
    double sum_gy = 0, sum_g = 0;
    if (c < spec.c1) {
      for (int64_t i = threadIdx.x; i < hw; i += blockDim.x) {
        dxc[i] = g[i] * S;
        sum_gy += static_cast<double>(g[i] * xc[i]);
        sum_g += static_cast<double>(g[i]);
      }
    } else {
      const int64_t k = c - spec.c1;
      const T* as = a + (b * 2 * spec.c2 + k) * hw;
      const T* at = as + spec.c2 * hw;
      T* das = da + (b * 2 * spec.c2 + k) * hw;
      T* dat = das + spec.c2 * hw;
      for (int64_t i = threadIdx.x; i < hw; i += blockDim.x) {
        const T s = coupling::log_scale(as[i], clamp, inv_clamp, spec.scaled);
        const T e = coupling::exp_of(s);
        const T gpre = g[i] * S;
        const T xe = xc[i] * e;
        dxc[i] = gpre * e;
        dat[i] = T(0.1) * gpre;
        das[i] = gpre * xe * coupling::log_scale_grad(as[i], clamp, inv_clamp, spec.scaled);
        sum_gy += static_cast<double>(g[i] * (xe + coupling::shift(at[i])));
        sum_g += static_cast<double>(g[i]);
      }
    }
    sum_gy = block_reduce(sum_gy, shared, SumOp(), 0.0);
    sum_g = block_reduce(sum_g, shared, SumOp(), 0.0);
    if (threadIdx.x == 0) {
      dscale_bc[plane] = static_cast<T>(sum_gy);
      doffset_bc[plane] = static_cast<T>(sum_g);
    }
  }
}

// First pass of Σ s: block (chunk, b) sums kChunk consecutive s values of sample b.
template <typename T>
__global__ void log_scale_partial_kernel(double* partial, const T* a, int64_t n, int64_t chunks,
                                         CouplingSpec spec) {
  __shared__ double shared[32];
  const T clamp = static_cast<T>(spec.clamp), inv_clamp = static_cast<T>(1.0 / spec.clamp);
  const int64_t b = blockIdx.y, chunk = blockIdx.x;
  const T* as = a + b * 2 * n;  // the first c2 channels of sample b: n = c2·hw values
  const int64_t begin = chunk * kChunk, end = begin + kChunk < n ? begin + kChunk : n;
  double acc = 0;
  for (int64_t i = begin + threadIdx.x; i < end; i += blockDim.x)
    acc += static_cast<double>(coupling::log_scale(as[i], clamp, inv_clamp, spec.scaled));
  acc = block_reduce(acc, shared, SumOp(), 0.0);
  if (threadIdx.x == 0) partial[b * chunks + chunk] = acc;
}

template <typename T>
__global__ void log_scale_total_kernel(T* out, const double* partial, int64_t B, int64_t chunks) {
  for (int64_t b = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; b < B;
       b += (int64_t)gridDim.x * blockDim.x) {
    double acc = 0;
    for (int64_t k = 0; k < chunks; ++k) acc += partial[b * chunks + k];
    out[b] = static_cast<T>(acc);
  }
}

template <typename T>
__global__ void log_scale_backward_kernel(T* da, const T* grad, const T* a, int64_t B, int64_t n,
                                          CouplingSpec spec) {
  const T clamp = static_cast<T>(spec.clamp), inv_clamp = static_cast<T>(1.0 / spec.clamp);
  const int64_t total = B * 2 * n;
  for (int64_t idx = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; idx < total;
       idx += (int64_t)gridDim.x * blockDim.x) {
    const int64_t b = idx / (2 * n), i = idx % (2 * n);
    da[idx] =
        i < n ? grad[b] * coupling::log_scale_grad(a[idx], clamp, inv_clamp, spec.scaled) : T(0);
  }
}

}  // namespace

void CudaBackend::coupling_forward(const Tensor& y, const Tensor& x, const Tensor& a,
                                   const Tensor& scale, const Tensor& offset,
                                   const std::vector<int64_t>& perm,
                                   const CouplingSpec& spec) const {
  const int64_t B = x.size(0), C = x.size(1), hw = x.size(2) * x.size(3);
  const int64_t* idx = device_indices(perm, C);
  dispatch_dtype(x.dtype(), [&]<typename T>() {
    coupling_forward_kernel<<<grid_for(B * C * hw), kThreads, 0, stream()>>>(
        y.data<T>(), x.data<T>(), a.data<T>(), scale.data<T>(), offset.data<T>(), idx, B, C, hw,
        spec);
  });
  UFLOW_CUDA_CHECK_LAUNCH();
}

void CudaBackend::coupling_backward(const Tensor& dx, const Tensor& da, const Tensor& dscale_bc,
                                    const Tensor& doffset_bc, const Tensor& dy, const Tensor& x,
                                    const Tensor& a, const Tensor& scale,
                                    const std::vector<int64_t>& perm,
                                    const CouplingSpec& spec) const {
  const int64_t B = x.size(0), C = x.size(1), hw = x.size(2) * x.size(3);
  const int64_t* idx = device_indices(coupling::output_channels(perm, C), C);
  const unsigned grid = static_cast<unsigned>(B * C < 65535 * 16 ? B * C : 65535 * 16);
  dispatch_dtype(x.dtype(), [&]<typename T>() {
    coupling_backward_kernel<<<grid, kThreads, 0, stream()>>>(
        dx.data<T>(), da.data<T>(), dscale_bc.data<T>(), doffset_bc.data<T>(), dy.data<T>(),
        x.data<T>(), a.data<T>(), scale.data<T>(), idx, B, C, hw, spec);
  });
  UFLOW_CUDA_CHECK_LAUNCH();
}

void CudaBackend::coupling_log_scale_sum(const Tensor& out, const Tensor& a,
                                         const CouplingSpec& spec) const {
  const int64_t B = a.size(0), n = spec.c2 * a.size(2) * a.size(3);
  const int64_t chunks = (n + kChunk - 1) / kChunk;
  UFLOW_CHECK(B <= 65535 && chunks <= 65535 * 16, "coupling_log_scale_sum: ", B, " samples of ", n,
              " values exceed the launch grid");
  Tensor partial = Tensor::empty({B, chunks}, DType::f64, Device::cuda);
  dispatch_dtype(a.dtype(), [&]<typename T>() {
    log_scale_partial_kernel<<<dim3(static_cast<unsigned>(chunks), static_cast<unsigned>(B)),
                               kThreads, 0, stream()>>>(partial.data<double>(), a.data<T>(), n,
                                                        chunks, spec);
    UFLOW_CUDA_CHECK_LAUNCH();
    log_scale_total_kernel<<<grid_for(B), kThreads, 0, stream()>>>(
        out.data<T>(), partial.data<double>(), B, chunks);
  });
  UFLOW_CUDA_CHECK_LAUNCH();
}

void CudaBackend::coupling_log_scale_sum_backward(const Tensor& da, const Tensor& grad,
                                                  const Tensor& a, const CouplingSpec& spec) const {
  const int64_t B = a.size(0), n = spec.c2 * a.size(2) * a.size(3);
  dispatch_dtype(a.dtype(), [&]<typename T>() {
    log_scale_backward_kernel<<<grid_for(B * 2 * n), kThreads, 0, stream()>>>(
        da.data<T>(), grad.data<T>(), a.data<T>(), B, n, spec);
  });
  UFLOW_CUDA_CHECK_LAUNCH();
}

}  // namespace uflow::cuda
