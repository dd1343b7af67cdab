// F(2×2, 3×3) Winograd convolution: Y = Aᵀ [ (G g Gᵀ) ⊙ (Bᵀ d B) ] A per 2×2 output tile, with
//   Bᵀ = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1],  G = [1 0 0; ½ ½ ½; ½ -½ ½; 0 0 1],
//   Aᵀ = [1 1 1 0; 0 1 -1 -1].
// Summed over input channels, the element-wise product at each of the 16 tile positions ξ is a
// GEMM: M[ξ] (O, tiles) = U[ξ] (O, C) · V[ξ] (C, tiles), where U holds the transformed kernels
// and V the transformed 4×4 input tiles. A chunk of samples shares each GEMM, so its inner
// dimension is long. The transforms only add and halve, so float32 results differ from im2col
// by rounding of the same order as a change of summation order.
//
// The weight gradient is the transpose of the same bilinear algorithm: with
// E the 2×2 tile of dy and D the 4×4 input patch, Σ_k E_k·Y_k = Σ_ξ (A E Aᵀ)[ξ]·(G g Gᵀ)[ξ]·
// (Bᵀ D B)[ξ], so ∂/∂g = Gᵀ [ Σ_tiles (A E Aᵀ) ⊙ (Bᵀ D B) ] G: the input tiles are transformed
// as in the forward, dy by A, and per ξ the sum over tiles is one GEMM
// M[ξ] (O, C) = E[ξ] (O, tiles) · V[ξ] (C, tiles)ᵀ, with the inner dimension the tiles.
#include "tensor/cpu/conv2d_winograd.h"

#include <omp.h>

#include <algorithm>

#include "tensor/cpu/gemm.h"
#include "tensor/cpu/scratch.h"

namespace uflow::cpu {
namespace {

constexpr int kTile = 16;  // positions of a 4×4 transformed tile

// The part of a geometry the tiling needs, with in/out channels named for the convolution
// actually computed (the backward pass swaps them).
struct WinogradShape {
  int64_t n, c, h, w;  // input
  int64_t o, oh, ow;   // output
  int64_t pad_top, pad_left;
  int64_t tiles_h() const { return (oh + 1) / 2; }
  int64_t tiles_w() const { return (ow + 1) / 2; }
  int64_t tiles_per_sample() const { return tiles_h() * tiles_w(); }
};

// u[ξ·O·C + o·C + c] = (G k Gᵀ)[ξ] for the 3×3 kernel k of (o, c); `kernel(o, c)` points at it
// with rows `row` apart and columns `col` apart (negative strides read it rotated).
template <typename T, typename KernelAt>
void transform_kernels(T* u, int64_t o_count, int64_t c_count, KernelAt kernel, int64_t row,
                       int64_t col) {
  const int64_t plane = o_count * c_count;
#pragma omp parallel for schedule(static)
  for (int64_t o = 0; o < o_count; ++o)
    for (int64_t c = 0; c < c_count; ++c) {
      const T* k = kernel(o, c);
      T gk[4][3];  // G·k
      for (int j = 0; j < 3; ++j) {
        const T k0 = k[j * col], k1 = k[row + j * col], k2 = k[2 * row + j * col];
        gk[0][j] = k0;
        gk[1][j] = T(0.5) * (k0 + k1 + k2);
        gk[2][j] = T(0.5) * (k0 - k1 + k2);
        gk[3][j] = k2;
      }
      T* out = u + o * c_count + c;
      for (int i = 0; i < 4; ++i) {  // (G·k)·Gᵀ
        out[(i * 4 + 0) * plane] = gk[i][0];
        out[(i * 4 + 1) * plane] = T(0.5) * (gk[i][0] + gk[i][1] + gk[i][2]);
        out[(i * 4 + 2) * plane] = T(0.5) * (gk[i][0] - gk[i][1] + gk[i][2]);
        out[(i * 4 + 3) * plane] = gk[i][2];
      }
    }
}

// Calls f(j, ch, t, ty, tx) for every sample j of a chunk of nb, channel ch < channels and tile
// (ty, tx), with t = j·(tiles per sample) + ty·(tiles a row) + tx the tile's column in the
// chunk's transformed matrices; parallel over (sample, channel).
template <typename F>
void for_each_tile(const WinogradShape& s, int64_t nb, int64_t channels, F&& f) {
  const int64_t th = s.tiles_h(), tw = s.tiles_w(), per = s.tiles_per_sample();
#pragma omp parallel for collapse(2) schedule(static)
  for (int64_t j = 0; j < nb; ++j)
    for (int64_t ch = 0; ch < channels; ++ch)
      for (int64_t ty = 0; ty < th; ++ty)
        for (int64_t tx = 0; tx < tw; ++tx) f(j, ch, j * per + ty * tw + tx, ty, tx);
}

// v[ξ·C·cols + c·cols + t] = (Bᵀ d B)[ξ] for the 4×4 input patch d of tile t of samples
// [s0, s0 + nb); cols = nb · tiles per sample. Pixels outside the input read as zero.
template <typename T>
void transform_inputs(T* v, const T* x, const WinogradShape& s, int64_t s0, int64_t nb) {
  const int64_t cols = nb * s.tiles_per_sample(), plane = s.c * cols;
  for_each_tile(s, nb, s.c, [&](int64_t j, int64_t c, int64_t t, int64_t ty, int64_t tx) {
    const T* xc = x + ((s0 + j) * s.c + c) * s.h * s.w;
    const int64_t y0 = 2 * ty - s.pad_top, x0 = 2 * tx - s.pad_left;
    T d[4][4];
    if (y0 >= 0 && x0 >= 0 && y0 + 4 <= s.h && x0 + 4 <= s.w) {
      for (int a = 0; a < 4; ++a)
        for (int b = 0; b < 4; ++b) d[a][b] = xc[(y0 + a) * s.w + x0 + b];
    } else {
      for (int a = 0; a < 4; ++a)
        for (int b = 0; b < 4; ++b) {
          const int64_t iy = y0 + a, ix = x0 + b;
          d[a][b] = (iy >= 0 && iy < s.h && ix >= 0 && ix < s.w) ? xc[iy * s.w + ix] : T(0);
        }
    }
    T bd[4][4];  // Bᵀ·d
    for (int b = 0; b < 4; ++b) {
      bd[0][b] = d[0][b] - d[2][b];
      bd[1][b] = d[1][b] + d[2][b];
      bd[2][b] = d[2][b] - d[1][b];
      bd[3][b] = d[1][b] - d[3][b];
    }
    T* out = v + c * cols + t;
    for (int a = 0; a < 4; ++a) {  // (Bᵀ·d)·B
      out[(a * 4 + 0) * plane] = bd[a][0] - bd[a][2];
      out[(a * 4 + 1) * plane] = bd[a][1] + bd[a][2];
      out[(a * 4 + 2) * plane] = bd[a][2] - bd[a][1];
      out[(a * 4 + 3) * plane] = bd[a][1] - bd[a][3];
    }
  });
}

// y tile = Aᵀ m A (+ bias) for every output channel and tile of the chunk; m is M[ξ] (O, cols).
template <typename T>
void transform_outputs(T* y, const T* m, const T* bias, const WinogradShape& s, int64_t s0,
                       int64_t nb) {
  const int64_t cols = nb * s.tiles_per_sample(), plane = s.o * cols;
  for_each_tile(s, nb, s.o, [&](int64_t j, int64_t o, int64_t t, int64_t ty, int64_t tx) {
    const T b = bias ? bias[o] : T(0);
    const T* in = m + o * cols + t;
    T am[2][4];  // Aᵀ·m
    for (int k = 0; k < 4; ++k) {
      const T m0 = in[(0 * 4 + k) * plane], m1 = in[(1 * 4 + k) * plane];
      const T m2 = in[(2 * 4 + k) * plane], m3 = in[(3 * 4 + k) * plane];
      am[0][k] = m0 + m1 + m2;
      am[1][k] = m1 - m2 - m3;
    }
    T* yo = y + ((s0 + j) * s.o + o) * s.oh * s.ow;
    const int64_t oy = 2 * ty, ox = 2 * tx;
    for (int a = 0; a < 2 && oy + a < s.oh; ++a) {  // (Aᵀ·m)·A
      T* row = yo + (oy + a) * s.ow + ox;
      row[0] = am[a][0] + am[a][1] + am[a][2] + b;
      if (ox + 1 < s.ow) row[1] = am[a][1] - am[a][2] - am[a][3] + b;
    }
  });
}

// e[ξ·O·cols + o·cols + t] = (A E Aᵀ)[ξ] for the 2×2 tile E of dy (N, O, OH, OW) at tile t of
// samples [s0, s0 + nb), with A = [1 0; 1 1; 1 -1; 0 -1]. Pixels past the output's edge (odd
// sizes) read as zero: they are not outputs, so they carry no gradient.
template <typename T>
void transform_output_grads(T* e, const T* dy, const WinogradShape& s, int64_t s0, int64_t nb) {
  const int64_t cols = nb * s.tiles_per_sample(), plane = s.o * cols;
  for_each_tile(s, nb, s.o, [&](int64_t j, int64_t o, int64_t t, int64_t ty, int64_t tx) {
    const int64_t oy = 2 * ty, ox = 2 * tx;
    const bool down = oy + 1 < s.oh, right = ox + 1 < s.ow;
    const T* r0 = dy + ((s0 + j) * s.o + o) * s.oh * s.ow + oy * s.ow + ox;
    const T e00 = r0[0], e01 = right ? r0[1] : T(0);
    const T e10 = down ? r0[s.ow] : T(0), e11 = down && right ? r0[s.ow + 1] : T(0);
    // A·E (4×2), then (A·E)·Aᵀ (4×4).
    const T ae[4][2] = {{e00, e01}, {e00 + e10, e01 + e11}, {e00 - e10, e01 - e11}, {-e10, -e11}};
    T* out = e + o * cols + t;
    for (int a = 0; a < 4; ++a) {
      out[(a * 4 + 0) * plane] = ae[a][0];
      out[(a * 4 + 1) * plane] = ae[a][0] + ae[a][1];
      out[(a * 4 + 2) * plane] = ae[a][0] - ae[a][1];
      out[(a * 4 + 3) * plane] = -ae[a][1];
    }
  });
}

// dw (O, C, 3, 3) = Gᵀ M G for every (o, c), with M[ξ] (O, C) in m and
// Gᵀ = [1 ½ ½ 0; 0 ½ -½ 0; 0 ½ ½ 1].
template <typename T>
void transform_weight_grads(T* dw, const T* m, int64_t o_count, int64_t c_count) {
  const int64_t plane = o_count * c_count;
#pragma omp parallel for schedule(static)
  for (int64_t o = 0; o < o_count; ++o)
    for (int64_t c = 0; c < c_count; ++c) {
      const T* in = m + o * c_count + c;
      T gm[3][4];  // Gᵀ·M
      for (int b = 0; b < 4; ++b) {
        const T m0 = in[(0 * 4 + b) * plane], m1 = in[(1 * 4 + b) * plane];
        const T m2 = in[(2 * 4 + b) * plane], m3 = in[(3 * 4 + b) * plane];
        gm[0][b] = m0 + T(0.5) * (m1 + m2);
        gm[1][b] = T(0.5) * (m1 - m2);
        gm[2][b] = T(0.5) * (m1 + m2) + m3;
      }
      T* out = dw + (o * c_count + c) * 9;
      for (int a = 0; a < 3; ++a) {  // (Gᵀ·M)·G
        out[a * 3 + 0] = gm[a][0] + T(0.5) * (gm[a][1] + gm[a][2]);
        out[a * 3 + 1] = T(0.5) * (gm[a][1] - gm[a][2]);
        out[a * 3 + 2] = T(0.5) * (gm[a][1] + gm[a][2]) + gm[a][3];
      }
    }
}

// Chunks of samples keep V and M under this many elements together.
constexpr int64_t kScratchElements = int64_t{24} << 20;

// Samples per chunk: the transformed inputs (16, C, tiles) and outputs (16, O, tiles) of a chunk
// fit in kScratchElements.
int64_t chunk_samples(const WinogradShape& s) {
  return std::clamp<int64_t>(kScratchElements / (kTile * (s.c + s.o) * s.tiles_per_sample()), 1,
                             s.n);
}

// The shape of the forward convolution of g (the weight gradient tiles the same way).
WinogradShape forward_shape(const Conv2dGeometry& g) {
  return {g.n, g.c, g.h, g.w, g.o, g.oh, g.ow, g.pad_top, g.pad_left};
}

// The convolution itself, given the transformed kernels u (16, O, C).
template <typename T>
void winograd_run(T* y, const T* x, const T* u, const T* bias, const WinogradShape& s) {
  const int64_t per = s.tiles_per_sample(), chunk = chunk_samples(s);
  T* v = scratch<T>(1, kTile * s.c * chunk * per);
  T* m = scratch<T>(2, kTile * s.o * chunk * per);
  for (int64_t s0 = 0; s0 < s.n; s0 += chunk) {
    const int64_t nb = std::min(chunk, s.n - s0), cols = nb * per;
    transform_inputs(v, x, s, s0, nb);
    for (int xi = 0; xi < kTile; ++xi)
      cpu::gemm(false, false, s.o, cols, s.c, T(1), u + xi * s.o * s.c, s.c, v + xi * s.c * cols,
                cols, T(0), m + xi * s.o * cols, cols);
    transform_outputs(y, m, bias, s, s0, nb);
  }
}

}  // namespace

bool winograd_applies(const Conv2dGeometry& g) {
  // Below ~16 channels a side the transforms, not the GEMMs, dominate and im2col wins.
  return g.kh == 3 && g.kw == 3 && g.stride_h == 1 && g.stride_w == 1 && g.groups == 1 &&
         g.c >= 16 && g.o >= 16 && g.pad_top <= 2 && g.pad_left <= 2 && g.pad_bottom <= 2 &&
         g.pad_right <= 2;
}

template <typename T>
void winograd_conv2d_forward(T* y, const T* x, const T* w, const T* bias, const Conv2dGeometry& g) {
  T* u = scratch<T>(0, kTile * g.o * g.c);
  // w (O, C, 3, 3): kernel (o, c) at w + (o·C + c)·9, rows 3 apart.
  transform_kernels(
      u, g.o, g.c, [&](int64_t o, int64_t c) { return w + (o * g.c + c) * 9; }, 3, 1);
  winograd_run(y, x, u, bias, forward_shape(g));
}

template <typename T>
void winograd_conv2d_backward_input(T* dx, const T* dy, const T* w, const Conv2dGeometry& g) {
  T* u = scratch<T>(0, kTile * g.o * g.c);
  // The kernel from input channel o of dy to output channel c of dx is w[o, c] rotated by
  // 180°: start at its last element and step backwards.
  transform_kernels(
      u, g.c, g.o, [&](int64_t c, int64_t o) { return w + (o * g.c + c) * 9 + 8; }, -3, -1);
  // dx[iy] = Σ_i dy[iy + pad_top - i] · w[i]: a correlation with the rotated kernel whose
  // top padding is 2 - pad_top (and likewise on the left).
  winograd_run(dx, dy, u, static_cast<const T*>(nullptr),
               {g.n, g.o, g.oh, g.ow, g.c, g.h, g.w, 2 - g.pad_top, 2 - g.pad_left});
}

template <typename T>
void winograd_conv2d_backward_weight(T* dw, const T* dy, const T* x, const Conv2dGeometry& g) {
  const WinogradShape s = forward_shape(g);
  const int64_t per = s.tiles_per_sample(), chunk = chunk_samples(s);
  T* m = scratch<T>(0, kTile * s.o * s.c);
  T* v = scratch<T>(1, kTile * s.c * chunk * per);
  T* e = scratch<T>(2, kTile * s.o * chunk * per);
  for (int64_t s0 = 0; s0 < s.n; s0 += chunk) {
    const int64_t nb = std::min(chunk, s.n - s0), cols = nb * per;
    transform_inputs(v, x, s, s0, nb);
    transform_output_grads(e, dy, s, s0, nb);
    for (int xi = 0; xi < kTile; ++xi)
      cpu::gemm(false, true, s.o, s.c, cols, T(1), e + xi * s.o * cols, cols, v + xi * s.c * cols,
                cols, s0 == 0 ? T(0) : T(1), m + xi * s.o * s.c, s.c);
  }
  transform_weight_grads(dw, m, s.o, s.c);
}

template void winograd_conv2d_forward(float*, const float*, const float*, const float*,
                                      const Conv2dGeometry&);
template void winograd_conv2d_forward(double*, const double*, const double*, const double*,
                                      const Conv2dGeometry&);
template void winograd_conv2d_backward_input(float*, const float*, const float*,
                                             const Conv2dGeometry&);
template void winograd_conv2d_backward_input(double*, const double*, const double*,
                                             const Conv2dGeometry&);
template void winograd_conv2d_backward_weight(float*, const float*, const float*,
                                              const Conv2dGeometry&);
template void winograd_conv2d_backward_weight(double*, const double*, const double*,
                                              const Conv2dGeometry&);

}  // namespace uflow::cpu
