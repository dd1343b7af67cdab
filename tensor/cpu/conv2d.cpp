// conv2d on the CPU. 3×3 stride-1 convolutions with enough channels (the flow's subnets) go to
// Winograd's F(2×2, 3×3) (conv2d_winograd.h) for the forward and both gradients; the rest is
// im2col + GEMM. Ungrouped convolutions whose GEMMs are large put a
// chunk of samples side by side and run one GEMM per chunk (the wide layout below). Otherwise each
// sample is unfolded into a (C·KH·KW, OH·OW) matrix whose rows for one group are contiguous,
// so each group is a single GEMM against its (O/groups, C/groups·KH·KW) weight block; small
// GEMMs run in parallel over the batch (or over groups) instead of on OpenBLAS's threads.
#include <omp.h>

#include <algorithm>
#include <vector>

#include "tensor/cpu/conv2d_winograd.h"
#include "tensor/cpu/cpu_backend.h"
#include "tensor/cpu/gemm.h"
#include "tensor/cpu/scratch.h"

namespace uflow::cpu {
namespace {

// Writes row r = (ch, i, j) of the im2col matrix of one sample x (C, H, W): out[oy·OW + ox] is
// the input pixel under kernel tap (i, j) for output pixel (oy, ox); padding reads as zero.
template <typename T>
void im2col_row(const T* x, T* out, const Conv2dGeometry& g, int64_t r) {
  const int64_t kk = g.kh * g.kw;
  const int64_t ch = r / kk, i = (r % kk) / g.kw, j = r % g.kw;
  const T* xc = x + ch * g.h * g.w;
  const int64_t off = j - g.pad_left;  // ix = ox·stride + off
  for (int64_t oy = 0; oy < g.oh; ++oy) {
    const int64_t iy = oy * g.stride_h - g.pad_top + i;
    T* orow = out + oy * g.ow;
    if (iy < 0 || iy >= g.h) {
      std::fill(orow, orow + g.ow, T(0));
      continue;
    }
    const T* xrow = xc + iy * g.w;
    if (g.stride_w == 1) {
      const int64_t lo = std::clamp<int64_t>(-off, 0, g.ow);
      const int64_t hi = std::clamp<int64_t>(g.w - off, lo, g.ow);
      // Plain loops: rows are short, so memcpy/memset call overhead would dominate.
      for (int64_t ox = 0; ox < lo; ++ox) orow[ox] = T(0);
      for (int64_t ox = lo; ox < hi; ++ox) orow[ox] = xrow[ox + off];
      for (int64_t ox = hi; ox < g.ow; ++ox) orow[ox] = T(0);
    } else {
      for (int64_t ox = 0; ox < g.ow; ++ox) {
        const int64_t ix = ox * g.stride_w + off;
        orow[ox] = (ix >= 0 && ix < g.w) ? xrow[ix] : T(0);
      }
    }
  }
}

// Unfolds one sample x (C, H, W) into col (C·KH·KW, OH·OW) whose rows are ld apart.
template <typename T>
void im2col(const T* x, T* col, int64_t ld, const Conv2dGeometry& g, bool parallel) {
#pragma omp parallel for schedule(static) if (parallel)
  for (int64_t r = 0; r < g.c * g.kh * g.kw; ++r) im2col_row(x, col + r * ld, g, r);
}

// The adjoint of im2col for one input channel: adds the rows (ch, ·, ·) of col, ld apart, into
// dxc (H, W), which the caller zeroed.
template <typename T>
void col2im_channel(const T* col, int64_t ld, T* dxc, const Conv2dGeometry& g, int64_t ch) {
  const int64_t kk = g.kh * g.kw;
  for (int64_t i = 0; i < g.kh; ++i) {
    for (int64_t j = 0; j < g.kw; ++j) {
      const T* crow = col + ((ch * kk) + i * g.kw + j) * ld;
      const int64_t off = j - g.pad_left;
      for (int64_t oy = 0; oy < g.oh; ++oy) {
        const int64_t iy = oy * g.stride_h - g.pad_top + i;
        if (iy < 0 || iy >= g.h) continue;
        T* drow = dxc + iy * g.w;
        const T* src = crow + oy * g.ow;
        for (int64_t ox = 0; ox < g.ow; ++ox) {
          const int64_t ix = ox * g.stride_w + off;
          if (ix >= 0 && ix < g.w) drow[ix] += src[ox];
        }
      }
    }
  }
}

// col2im for one sample, parallel over channels so no two threads add into the same element.
template <typename T>
void col2im(const T* col, T* dx, const Conv2dGeometry& g, bool parallel) {
#pragma omp parallel for schedule(static) if (parallel)
  for (int64_t ch = 0; ch < g.c; ++ch)
    col2im_channel(col, g.out_pixels(), dx + ch * g.h * g.w, g, ch);
}

// Whether to spread samples over threads (small GEMMs, which OpenBLAS runs single-threaded).
bool batch_parallel(const Conv2dGeometry& g) {
  return g.n > 1 && g.o_per_group() * g.out_pixels() * g.col_rows() < kSmallGemmMacs;
}
// Otherwise, small per-group GEMMs (depthwise convolutions) are spread over threads by group.
bool group_parallel(const Conv2dGeometry& g) {
  return !batch_parallel(g) && g.groups > 1 &&
         g.o_per_group() * g.out_pixels() * g.col_rows() < kSmallGemmMacs;
}

// The wide layout: a chunk of nb samples side by side in one matrix (rows, nb·OH·OW), so the
// chunk is one GEMM with a long inner dimension instead of nb short ones. OpenBLAS splits the
// longer GEMM better over its threads, and the weight gradient is written once per chunk
// instead of once per sample. Used for ungrouped convolutions whose per-sample GEMMs are
// already large (the weight gradient of the flow's 3×3 convolutions, the patch embedding);
// chunks keep each scratch matrix under kWideElements.
constexpr int64_t kWideElements = int64_t{24} << 20;

bool wide(const Conv2dGeometry& g) {
  return g.groups == 1 && g.n > 1 && !batch_parallel(g);
}

int64_t wide_chunk(const Conv2dGeometry& g) {
  const int64_t per_sample = std::max(g.col_rows(), g.o) * g.out_pixels();
  return std::clamp<int64_t>(kWideElements / per_sample, 1, g.n);
}

// Unfolds samples [s0, s0 + nb) of x into col (C·KH·KW, nb·OH·OW).
template <typename T>
void im2col_wide(const T* x, T* col, const Conv2dGeometry& g, int64_t s0, int64_t nb) {
  const int64_t rows = g.col_rows(), ohw = g.out_pixels(), sample = g.c * g.h * g.w;
#pragma omp parallel for collapse(2) schedule(static)
  for (int64_t j = 0; j < nb; ++j)
    for (int64_t r = 0; r < rows; ++r)
      im2col_row(x + (s0 + j) * sample, col + r * nb * ohw + j * ohw, g, r);
}

// Between the tensor layout (N, O, OH·OW) of samples [s0, s0 + nb) and the wide layout
// (O, nb·OH·OW). The forward adds the bias on the way out.
template <typename T>
void wide_to_samples(const T* wide, T* y, const T* bias, const Conv2dGeometry& g, int64_t s0,
                     int64_t nb) {
  const int64_t ohw = g.out_pixels();
#pragma omp parallel for collapse(2) schedule(static)
  for (int64_t j = 0; j < nb; ++j)
    for (int64_t o = 0; o < g.o; ++o) {
      const T* src = wide + o * nb * ohw + j * ohw;
      T* dst = y + ((s0 + j) * g.o + o) * ohw;
      const T b = bias ? bias[o] : T(0);
#pragma omp simd
      for (int64_t i = 0; i < ohw; ++i) dst[i] = src[i] + b;
    }
}
template <typename T>
void samples_to_wide(const T* y, T* wide, const Conv2dGeometry& g, int64_t s0, int64_t nb) {
  const int64_t ohw = g.out_pixels();
#pragma omp parallel for collapse(2) schedule(static)
  for (int64_t j = 0; j < nb; ++j)
    for (int64_t o = 0; o < g.o; ++o)
      std::copy_n(y + ((s0 + j) * g.o + o) * ohw, ohw, wide + o * nb * ohw + j * ohw);
}

template <typename T>
void conv2d_forward_wide(T* y, const T* x, const T* w, const T* bias, const Conv2dGeometry& g) {
  const int64_t rows = g.col_rows(), ohw = g.out_pixels(), chunk = wide_chunk(g);
  T* col = scratch<T>(0, rows * chunk * ohw);
  T* out = scratch<T>(1, g.o * chunk * ohw);
  for (int64_t s0 = 0; s0 < g.n; s0 += chunk) {
    const int64_t nb = std::min(chunk, g.n - s0), cols = nb * ohw;
    im2col_wide(x, col, g, s0, nb);
    cpu::gemm(false, false, g.o, cols, rows, T(1), w, rows, col, cols, T(0), out, cols);
    wide_to_samples(out, y, bias, g, s0, nb);
  }
}

// dcol = Wᵀ·dy over the chunk, then col2im per sample, parallel over (sample, channel).
template <typename T>
void conv2d_backward_input_wide(T* dx, const T* dy, const T* w, const Conv2dGeometry& g) {
  const int64_t rows = g.col_rows(), ohw = g.out_pixels(), chunk = wide_chunk(g);
  const int64_t sample = g.c * g.h * g.w, plane = g.h * g.w;
  T* dyw = scratch<T>(0, g.o * chunk * ohw);
  T* dcol = scratch<T>(1, rows * chunk * ohw);
  for (int64_t s0 = 0; s0 < g.n; s0 += chunk) {
    const int64_t nb = std::min(chunk, g.n - s0), cols = nb * ohw;
    samples_to_wide(dy, dyw, g, s0, nb);
    cpu::gemm(true, false, rows, cols, g.o, T(1), w, rows, dyw, cols, T(0), dcol, cols);
#pragma omp parallel for collapse(2) schedule(static)
    for (int64_t j = 0; j < nb; ++j)
      for (int64_t ch = 0; ch < g.c; ++ch) {
        T* dxc = dx + (s0 + j) * sample + ch * plane;
        std::fill(dxc, dxc + plane, T(0));
        col2im_channel(dcol + j * ohw, cols, dxc, g, ch);
      }
  }
}

// dW = Σ over chunks of dy (O, nb·ohw) · colᵀ (nb·ohw, rows).
template <typename T>
void conv2d_backward_weight_wide(T* dw, const T* dy, const T* x, const Conv2dGeometry& g) {
  const int64_t rows = g.col_rows(), ohw = g.out_pixels(), chunk = wide_chunk(g);
  T* dyw = scratch<T>(0, g.o * chunk * ohw);
  T* col = scratch<T>(1, rows * chunk * ohw);
  for (int64_t s0 = 0; s0 < g.n; s0 += chunk) {
    const int64_t nb = std::min(chunk, g.n - s0), cols = nb * ohw;
    samples_to_wide(dy, dyw, g, s0, nb);
    im2col_wide(x, col, g, s0, nb);
    cpu::gemm(false, true, g.o, rows, cols, T(1), dyw, cols, col, cols, s0 == 0 ? T(0) : T(1), dw,
              rows);
  }
}

}  // namespace

void CpuBackend::conv2d_forward(const Tensor& y, const Tensor& x, const Tensor& w,
                                const Tensor& bias, const Conv2dGeometry& g) const {
  dispatch_dtype(x.dtype(), [&]<typename T>() {
    if (winograd_applies(g))
      return winograd_conv2d_forward(y.data<T>(), x.data<T>(), w.data<T>(),
                                     bias.defined() ? bias.data<T>() : nullptr, g);
    if (wide(g))
      return conv2d_forward_wide(y.data<T>(), x.data<T>(), w.data<T>(),
                                 bias.defined() ? bias.data<T>() : nullptr, g);
    const int64_t ohw = g.out_pixels(), rows = g.col_rows(), og = g.o_per_group();
    const int64_t col_size = g.c * g.kh * g.kw * ohw;
    const bool pointwise = g.is_pointwise();
    const bool par = batch_parallel(g), gpar = group_parallel(g);
    const int threads = par ? omp_get_max_threads() : 1;
    T* cols = pointwise ? nullptr : scratch<T>(0, threads * col_size);
    const T* xp = x.data<T>();
    const T* wp = w.data<T>();
    const T* bp = bias.defined() ? bias.data<T>() : nullptr;
    T* yp = y.data<T>();
#pragma omp parallel for schedule(static) if (par)
    for (int64_t s = 0; s < g.n; ++s) {
      const T* xs = xp + s * g.c * g.h * g.w;
      const T* col = xs;
      if (!pointwise) {
        T* buf = cols + omp_get_thread_num() * col_size;
        im2col(xs, buf, ohw, g, !par);
        col = buf;
      }
      T* ys = yp + s * g.o * ohw;
      if (bp)
        for (int64_t o = 0; o < g.o; ++o) std::fill(ys + o * ohw, ys + (o + 1) * ohw, bp[o]);
#pragma omp parallel for schedule(static) if (gpar)
      for (int64_t grp = 0; grp < g.groups; ++grp)
        cpu::gemm(false, false, og, ohw, rows, T(1), wp + grp * og * rows, rows,
                  col + grp * rows * ohw, ohw, bp ? T(1) : T(0), ys + grp * og * ohw, ohw);
    }
  });
}

void CpuBackend::conv2d_backward_input(const Tensor& dx, const Tensor& dy, const Tensor& w,
                                       const Conv2dGeometry& g) const {
  dispatch_dtype(dy.dtype(), [&]<typename T>() {
    if (winograd_applies(g))
      return winograd_conv2d_backward_input(dx.data<T>(), dy.data<T>(), w.data<T>(), g);
    if (wide(g)) return conv2d_backward_input_wide(dx.data<T>(), dy.data<T>(), w.data<T>(), g);
    const int64_t ohw = g.out_pixels(), rows = g.col_rows(), og = g.o_per_group();
    const int64_t col_size = g.c * g.kh * g.kw * ohw;
    const bool pointwise = g.is_pointwise();
    const bool par = batch_parallel(g), gpar = group_parallel(g);
    const int threads = par ? omp_get_max_threads() : 1;
    T* cols = pointwise ? nullptr : scratch<T>(0, threads * col_size);
    const T* dyp = dy.data<T>();
    const T* wp = w.data<T>();
    T* dxp = dx.data<T>();
#pragma omp parallel for schedule(static) if (par)
    for (int64_t s = 0; s < g.n; ++s) {
      T* dxs = dxp + s * g.c * g.h * g.w;
      T* dcol = pointwise ? dxs : cols + omp_get_thread_num() * col_size;
#pragma omp parallel for schedule(static) if (gpar)
      for (int64_t grp = 0; grp < g.groups; ++grp)
        cpu::gemm(true, false, rows, ohw, og, T(1), wp + grp * og * rows, rows,
                  dyp + (s * g.o + grp * og) * ohw, ohw, T(0), dcol + grp * rows * ohw, ohw);
      if (!pointwise) {
        std::fill(dxs, dxs + g.c * g.h * g.w, T(0));
        col2im(dcol, dxs, g, !par);
      }
    }
  });
}

void CpuBackend::conv2d_backward_weight(const Tensor& dw, const Tensor& dy, const Tensor& x,
                                        const Conv2dGeometry& g) const {
  dispatch_dtype(dy.dtype(), [&]<typename T>() {
    if (winograd_applies(g))
      return winograd_conv2d_backward_weight(dw.data<T>(), dy.data<T>(), x.data<T>(), g);
    if (wide(g)) return conv2d_backward_weight_wide(dw.data<T>(), dy.data<T>(), x.data<T>(), g);
    const int64_t ohw = g.out_pixels(), rows = g.col_rows(), og = g.o_per_group();
    const int64_t col_size = g.c * g.kh * g.kw * ohw;
    const int64_t w_size = g.o * rows;
    const bool pointwise = g.is_pointwise();
    const bool par = batch_parallel(g), gpar = group_parallel(g);
    const int threads = par ? omp_get_max_threads() : 1;
    T* cols = pointwise ? nullptr : scratch<T>(0, threads * col_size);
    // Each thread sums its samples into its own copy; the copies are added at the end.
    std::vector<T> partial(par ? threads * w_size : 0, T(0));
    const T* dyp = dy.data<T>();
    const T* xp = x.data<T>();
    T* dwp = dw.data<T>();
    std::fill(dwp, dwp + w_size, T(0));
#pragma omp parallel for schedule(static) if (par)
    for (int64_t s = 0; s < g.n; ++s) {
      const int tid = omp_get_thread_num();
      const T* xs = xp + s * g.c * g.h * g.w;
      const T* col = xs;
      if (!pointwise) {
        T* buf = cols + tid * col_size;
        im2col(xs, buf, ohw, g, !par);
        col = buf;
      }
      T* acc = par ? partial.data() + tid * w_size : dwp;
#pragma omp parallel for schedule(static) if (gpar)
      for (int64_t grp = 0; grp < g.groups; ++grp)
        cpu::gemm(false, true, og, rows, ohw, T(1), dyp + (s * g.o + grp * og) * ohw, ohw,
                  col + grp * rows * ohw, ohw, T(1), acc + grp * og * rows, rows);
    }
    if (par)
      for (int t = 0; t < threads; ++t)
        for (int64_t i = 0; i < w_size; ++i) dwp[i] += partial[t * w_size + i];
  });
}

}  // namespace uflow::cpu
