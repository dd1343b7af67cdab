// Talking-heads attention for inference, fused per block of query rows. The composite path
// (layers/talking_head_attn.cpp) writes the (B, H, N, N) logits to memory and reads them back
// five times (head mix, softmax, head mix, P·v, plus the permute copies around each mix); at
// the paper's N = 785 and H = 16 that tensor is 39 MB per image and block. Here each thread
// takes R query rows of one image and keeps their (H, R, N) logits in its cache while it
//   1. computes L_h = scale · q_h k_hᵀ for every head (one GEMM per head, q and k read in
//      place from the qkv projection with row stride 3D),
//   2. mixes the heads: M = W_l · L + b_l ((H, H) · (H, R·N), register-blocked, see mix_heads),
//   3. takes the softmax of every row of M,
//   4. mixes again: P = W_w · M + b_w,
//   5. writes out[i, h·hd + d] = Σ_j P_h[i, j] v_h[j, d] (one GEMM per head, straight into
//      the (B, N, D) layout the output projection reads).
// OpenBLAS runs single-threaded inside the parallel region, so the threads split the row
// blocks between them.
#include <algorithm>
#include <vector>

#include "tensor/cpu/cpu_backend.h"
#include "tensor/cpu/gemm.h"
#include "tensor/cpu/softmax_row.h"

namespace uflow::cpu {
namespace {

constexpr int64_t kHeadRows = 1024, kMinRows = 32;

// Query rows per block, R = kHeadRows / H (at least kMinRows): tall enough for the GEMMs to run
// near full speed, small enough that a thread's two (H, R, N) buffers stay in its cache.
// At the paper's shapes (N = 785, H = 16, R = 64) the two buffers take 6.4 MB.
int64_t rows_per_block(int64_t heads) {
  return std::max<int64_t>(kMinRows, kHeadRows / heads);
}

// dst (H, cols) = w (H, H) · src (H, cols) + bias (per row). A BLAS call would first copy all
// of src into its packed layout, as much memory traffic as this product of inner dimension H
// itself. Instead, for a group of OUTS output rows and one vector of columns, OUTS
// accumulators stay in registers while the H source rows stream past (GCC vector extensions:
// 8 floats or 4 doubles per vector, whatever the instruction set). The order of the sums does
// not matter here, so multiply-adds may fuse.
template <int OUTS, typename T>
__attribute__((optimize("fp-contract=fast"))) void mix_group(const T* w, const T* bias,
                                                             const T* src, T* dst, int64_t heads,
                                                             int64_t cols, int64_t o0) {
  typedef T V __attribute__((vector_size(32), aligned(sizeof(T))));
  constexpr int64_t kLanes = sizeof(V) / sizeof(T);
  int64_t c = 0;
  for (; c + kLanes <= cols; c += kLanes) {
    V acc[OUTS];
    for (int k = 0; k < OUTS; ++k) acc[k] = V{} + bias[o0 + k];
    for (int64_t h = 0; h < heads; ++h) {
      const V sv = *reinterpret_cast<const V*>(src + h * cols + c);
      for (int k = 0; k < OUTS; ++k) acc[k] += w[(o0 + k) * heads + h] * sv;
    }
    for (int k = 0; k < OUTS; ++k) *reinterpret_cast<V*>(dst + (o0 + k) * cols + c) = acc[k];
  }
  for (; c < cols; ++c)
    for (int k = 0; k < OUTS; ++k) {
      T acc = bias[o0 + k];
      for (int64_t h = 0; h < heads; ++h) acc += w[(o0 + k) * heads + h] * src[h * cols + c];
      dst[(o0 + k) * cols + c] = acc;
    }
}

template <typename T>
void mix_heads(const T* w, const T* bias, const T* src, T* dst, int64_t heads, int64_t cols) {
  int64_t o0 = 0;
  for (; o0 + 8 <= heads; o0 += 8) mix_group<8>(w, bias, src, dst, heads, cols, o0);
  for (; o0 + 4 <= heads; o0 += 4) mix_group<4>(w, bias, src, dst, heads, cols, o0);
  for (; o0 < heads; ++o0) mix_group<1>(w, bias, src, dst, heads, cols, o0);
}

}  // namespace

void CpuBackend::talking_heads_attention(const Tensor& out, const Tensor& qkv, int64_t heads,
                                         double scale, const Tensor& w_l, const Tensor& b_l,
                                         const Tensor& w_w, const Tensor& b_w) const {
  const int64_t B = qkv.size(0), N = qkv.size(1), D = qkv.size(2) / 3, hd = D / heads;
  const int64_t kRows = rows_per_block(heads);
  const int64_t blocks = (N + kRows - 1) / kRows;
  dispatch_dtype(qkv.dtype(), [&]<typename T>() {
    const T* src = qkv.data<T>();
    T* dst = out.data<T>();
    const T *wl = w_l.data<T>(), *bl = b_l.data<T>(), *ww = w_w.data<T>(), *bw = b_w.data<T>();
    const int64_t ld = 3 * D;
#pragma omp parallel
    {
      std::vector<T> logits(heads * kRows * N), mixed(heads * kRows * N);
#pragma omp for schedule(dynamic) collapse(2)
      for (int64_t b = 0; b < B; ++b) {
        for (int64_t blk = 0; blk < blocks; ++blk) {
          const int64_t i0 = blk * kRows, rows = std::min(kRows, N - i0), cols = rows * N;
          const T* base = src + b * N * ld;
          for (int64_t h = 0; h < heads; ++h) {
            const T* q = base + i0 * ld + h * hd;
            const T* k = base + D + h * hd;
            cpu::gemm(false, true, rows, N, hd, static_cast<T>(scale), q, ld, k, ld, T(0),
                      logits.data() + h * cols, N);
          }
          mix_heads(wl, bl, logits.data(), mixed.data(), heads, cols);
          for (int64_t r = 0; r < heads * rows; ++r)
            softmax_row(mixed.data() + r * N, mixed.data() + r * N, N);
          mix_heads(ww, bw, mixed.data(), logits.data(), heads, cols);
          for (int64_t h = 0; h < heads; ++h) {
            const T* v = base + 2 * D + h * hd;
            T* o = dst + (b * N + i0) * D + h * hd;
            cpu::gemm(false, false, rows, hd, N, T(1), logits.data() + h * cols, N, v, ld, T(0), o,
                      D);
          }
        }
      }
    }
  });
}

}  // namespace uflow::cpu
