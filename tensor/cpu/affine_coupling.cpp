// The affine coupling of AllInOneBlock on the CPU: one pass over each (sample, channel) plane
// instead of the dozen element-wise passes, concatenation and permutation copy of the
// composite path. Planes are independent, so threads split them; the permutation only changes
// which plane is read or written.
#include <vector>

#include "tensor/coupling_math.h"
#include "tensor/cpu/cpu_backend.h"

namespace uflow::cpu {
namespace {

// Planes of at least this many elements in all before the loops go parallel.
constexpr int64_t kParallelElements = 1 << 15;

int64_t input_channel(const std::vector<int64_t>& perm, int64_t o) {
  return perm.empty() ? o : perm[o];
}

}  // namespace

void CpuBackend::coupling_forward(const Tensor& y, const Tensor& x, const Tensor& a,
                                  const Tensor& scale, const Tensor& offset,
                                  const std::vector<int64_t>& perm,
                                  const CouplingSpec& spec) const {
  const int64_t B = x.size(0), C = x.size(1), hw = x.size(2) * x.size(3);
  dispatch_dtype(x.dtype(), [&]<typename T>() {
    const T *xp = x.data<T>(), *ap = a.data<T>(), *sp = scale.data<T>(), *op = offset.data<T>();
    T* yp = y.data<T>();
    const T clamp = static_cast<T>(spec.clamp), inv_clamp = static_cast<T>(1.0 / spec.clamp);
#pragma omp parallel for schedule(static) if (B * C * hw > kParallelElements)
    for (int64_t plane = 0; plane < B * C; ++plane) {
      const int64_t b = plane / C, o = plane % C, c = input_channel(perm, o);
      const T S = sp[c], off = op[c];
      const T* xc = xp + (b * C + c) * hw;
      T* yo = yp + plane * hw;
      if (c < spec.c1) {
#pragma omp simd
        for (int64_t i = 0; i < hw; ++i) yo[i] = xc[i] * S + off;
        continue;
      }
      const int64_t k = c - spec.c1;
      const T* as = ap + (b * 2 * spec.c2 + k) * hw;
      const T* at = as + spec.c2 * hw;
#pragma omp simd
      for (int64_t i = 0; i < hw; ++i) {
        const T s = coupling::log_scale(as[i], clamp, inv_clamp, spec.scaled);
        yo[i] = (xc[i] * coupling::exp_of(s) + coupling::shift(at[i])) * S + off;
      }
    }
  });
}

// With g = dy read at the output plane of input channel c, and gp = g·S (the gradient of y_pre):
//   passive:      dx = gp
//   transformed:  dx = gp·e^s,  da_t = 0.1·gp,  da_s = gp·x·e^s · ds/da_s
// and per (sample, channel): Σ g·y_pre (for dS) and Σ g (for the offset).
void CpuBackend::coupling_backward(const Tensor& dx, const Tensor& da, const Tensor& dscale_bc,
                                   const Tensor& doffset_bc, const Tensor& dy, const Tensor& x,
                                   const Tensor& a, const Tensor& scale,
                                   const std::vector<int64_t>& perm,
                                   const CouplingSpec& spec) const {
  const int64_t B = x.size(0), C = x.size(1), hw = x.size(2) * x.size(3);
  const std::vector<int64_t> inverse = coupling::output_channels(perm, C);
  dispatch_dtype(x.dtype(), [&]<typename T>() {
    const T *xp = x.data<T>(), *ap = a.data<T>(), *sp = scale.data<T>(), *gp_all = dy.data<T>();
    T *dxp = dx.data<T>(), *dap = da.data<T>();
    T *dsp = dscale_bc.data<T>(), *dop = doffset_bc.data<T>();
    const T clamp = static_cast<T>(spec.clamp), inv_clamp = static_cast<T>(1.0 / spec.clamp);
#pragma omp parallel for schedule(static) if (B * C * hw > kParallelElements)
    for (int64_t plane = 0; plane < B * C; ++plane) {
      const int64_t b = plane / C, c = plane % C;
      const T S = sp[c];
      const T* g = gp_all + (b * C + inverse[c]) * hw;
      const T* xc = xp + plane * hw;
      T* dxc = dxp + plane * hw;
      double sum_gy = 0, sum_g = 0;  // plane sums in double, as the reductions do
      if (c < spec.c1) {
#pragma omp simd reduction(+ : sum_gy, sum_g)
        for (int64_t i = 0; i < hw; ++i) {
          dxc[i] = g[i] * S;
          sum_gy += g[i] * xc[i];
          sum_g += g[i];
        }
      } else {
        const int64_t k = c - spec.c1;
        const T* as = ap + (b * 2 * spec.c2 + k) * hw;
        const T* at = as + spec.c2 * hw;
        T* das = dap + (b * 2 * spec.c2 + k) * hw;
        T* dat = das + spec.c2 * hw;
#pragma omp simd reduction(+ : sum_gy, sum_g)
        for (int64_t i = 0; i < hw; ++i) {
          const T s = coupling::log_scale(as[i], clamp, inv_clamp, spec.scaled);
          const T e = coupling::exp_of(s);
          const T gpre = g[i] * S;
          const T xe = xc[i] * e;
          dxc[i] = gpre * e;
          dat[i] = T(0.1) * gpre;
          das[i] = gpre * xe * coupling::log_scale_grad(as[i], clamp, inv_clamp, spec.scaled);
          sum_gy += g[i] * (xe + coupling::shift(at[i]));
          sum_g += g[i];
        }
      }
      dsp[plane] = static_cast<T>(sum_gy);
      dop[plane] = static_cast<T>(sum_g);
    }
  });
}

void CpuBackend::coupling_log_scale_sum(const Tensor& out, const Tensor& a,
                                        const CouplingSpec& spec) const {
  const int64_t B = a.size(0), hw = a.size(2) * a.size(3), n = spec.c2 * hw;
  dispatch_dtype(a.dtype(), [&]<typename T>() {
    const T* ap = a.data<T>();
    T* op = out.data<T>();
    const T clamp = static_cast<T>(spec.clamp), inv_clamp = static_cast<T>(1.0 / spec.clamp);
    for (int64_t b = 0; b < B; ++b) {
      const T* as = ap + b * 2 * spec.c2 * hw;  // the first c2 channels are contiguous
      double total = 0;
#pragma omp parallel for simd reduction(+ : total) if (n > kParallelElements)
      for (int64_t i = 0; i < n; ++i)
        total += coupling::log_scale(as[i], clamp, inv_clamp, spec.scaled);
      op[b] = static_cast<T>(total);
    }
  });
}

void CpuBackend::coupling_log_scale_sum_backward(const Tensor& da, const Tensor& grad,
                                                 const Tensor& a, const CouplingSpec& spec) const {
  const int64_t B = a.size(0), hw = a.size(2) * a.size(3), n = spec.c2 * hw;
  dispatch_dtype(a.dtype(), [&]<typename T>() {
    const T *ap = a.data<T>(), *gp = grad.data<T>();
    T* dp = da.data<T>();
    const T clamp = static_cast<T>(spec.clamp), inv_clamp = static_cast<T>(1.0 / spec.clamp);
    for (int64_t b = 0; b < B; ++b) {
      const T g = gp[b];
      const T* as = ap + b * 2 * n;
      T* ds = dp + b * 2 * n;
#pragma omp parallel for simd if (n > kParallelElements)
      for (int64_t i = 0; i < n; ++i)
        ds[i] = g * coupling::log_scale_grad(as[i], clamp, inv_clamp, spec.scaled);
#pragma omp parallel for simd if (n > kParallelElements)
      for (int64_t i = n; i < 2 * n; ++i) ds[i] = T(0);
    }
  });
}

}  // namespace uflow::cpu
