// Fused layer normalisation over the last dims of a (rows, cols) view. The forward saves the
// per-row mean and 1/std so the backward never recomputes the statistics. Sums run in double
// so that float rows of a few thousand elements keep full float precision.
#include <omp.h>

#include <cmath>
#include <vector>

#include "tensor/cpu/cpu_backend.h"

namespace uflow::cpu {
namespace {

constexpr int64_t kParallelElements = 32768;

}  // namespace

void CpuBackend::layer_norm(const Tensor& y, const Tensor& mean, const Tensor& rstd,
                            const Tensor& x, const Tensor& weight, const Tensor& bias, int64_t rows,
                            int64_t cols, double eps) const {
  dispatch_dtype(x.dtype(), [&]<typename T>() {
    const T* xp = x.data<T>();
    const T* wp = weight.defined() ? weight.data<T>() : nullptr;
    const T* bp = bias.defined() ? bias.data<T>() : nullptr;
    T* yp = y.data<T>();
    T* mp = mean.data<T>();
    T* rp = rstd.data<T>();
#pragma omp parallel for schedule(static) if (rows * cols > kParallelElements)
    for (int64_t r = 0; r < rows; ++r) {
      const T* xr = xp + r * cols;
      double s = 0;
      for (int64_t j = 0; j < cols; ++j) s += xr[j];
      const double mu = s / static_cast<double>(cols);
      double ss = 0;  // two passes: no cancellation for rows with a large mean
      for (int64_t j = 0; j < cols; ++j) ss += (xr[j] - mu) * (xr[j] - mu);
      const double inv = 1.0 / std::sqrt(ss / static_cast<double>(cols) + eps);
      mp[r] = static_cast<T>(mu);
      rp[r] = static_cast<T>(inv);
      T* yr = yp + r * cols;
      for (int64_t j = 0; j < cols; ++j) {
        T v = static_cast<T>((xr[j] - mu) * inv);
        if (wp) v *= wp[j];
        if (bp) v += bp[j];
        yr[j] = v;
      }
    }
  });
}

// With x̂ = (x − mean)·rstd and ĝ = g·weight:
//   dx = rstd · (ĝ − mean(ĝ) − x̂ · mean(ĝ·x̂)),  dweight = Σ_rows g·x̂,  dbias = Σ_rows g.
void CpuBackend::layer_norm_backward(const Tensor& dx, const Tensor& dweight, const Tensor& dbias,
                                     const Tensor& g, const Tensor& x, const Tensor& mean,
                                     const Tensor& rstd, const Tensor& weight, int64_t rows,
                                     int64_t cols) const {
  dispatch_dtype(x.dtype(), [&]<typename T>() {
    const T* xp = x.data<T>();
    const T* gp = g.data<T>();
    const T* mp = mean.data<T>();
    const T* rp = rstd.data<T>();
    const T* wp = weight.defined() ? weight.data<T>() : nullptr;
    const bool par = rows * cols > kParallelElements;
    const bool want_w = dweight.defined(), want_b = dbias.defined();
    const int threads = par ? omp_get_max_threads() : 1;
    // Per-thread column sums for dweight and dbias, added up after the loop.
    std::vector<double> acc_w(want_w ? threads * cols : 0, 0.0);
    std::vector<double> acc_b(want_b ? threads * cols : 0, 0.0);
    T* dp = dx.defined() ? dx.data<T>() : nullptr;
#pragma omp parallel for schedule(static) if (par)
    for (int64_t r = 0; r < rows; ++r) {
      const int tid = omp_get_thread_num();
      const T* xr = xp + r * cols;
      const T* gr = gp + r * cols;
      const double mu = mp[r], inv = rp[r];
      if (want_w)
        for (int64_t j = 0; j < cols; ++j) acc_w[tid * cols + j] += gr[j] * ((xr[j] - mu) * inv);
      if (want_b)
        for (int64_t j = 0; j < cols; ++j) acc_b[tid * cols + j] += gr[j];
      if (!dp) continue;
      double sum_g = 0, sum_gx = 0;
      for (int64_t j = 0; j < cols; ++j) {
        const double gh = wp ? double(gr[j]) * wp[j] : double(gr[j]);
        sum_g += gh;
        sum_gx += gh * ((xr[j] - mu) * inv);
      }
      const double a = sum_g / static_cast<double>(cols), b = sum_gx / static_cast<double>(cols);
      T* dr = dp + r * cols;
      for (int64_t j = 0; j < cols; ++j) {
        const double gh = wp ? double(gr[j]) * wp[j] : double(gr[j]);
        dr[j] = static_cast<T>(inv * (gh - a - (xr[j] - mu) * inv * b));
      }
    }
    auto finish = [&](const Tensor& out, const std::vector<double>& acc) {
      T* op = out.data<T>();
      for (int64_t j = 0; j < cols; ++j) {
        double s = 0;
        for (int t = 0; t < threads; ++t) s += acc[t * cols + j];
        op[j] = static_cast<T>(s);
      }
    };
    if (want_w) finish(dweight, acc_w);
    if (want_b) finish(dbias, acc_b);
  });
}

}  // namespace uflow::cpu
