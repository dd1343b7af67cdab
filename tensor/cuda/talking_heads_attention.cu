// Talking-heads attention for inference on the GPU, image by image:
//   1. L_h = scale · q_h k_hᵀ for all heads: one strided-batched cuBLAS GEMM (q and k read in
//      place from the qkv projection, row stride 3D, head stride hd) into an (H, N, N) buffer;
//   2. one kernel, one block per query row i, in place on L: the first head mix, the softmax of
//      each mixed row and the second head mix, touching the row's H·N logits three times
//      (they stay in L2) instead of the five full passes and permute copies of the composite
//      path;
//   3. out_h = P_h v_h: one strided-batched GEMM writing straight into the (B, N, D) layout.
#include <limits>

#include "tensor/cuda/check.h"
#include "tensor/cuda/cuda_backend.h"

namespace uflow::cuda {
namespace {

// Register arrays are indexed by head with compile-time bounds; CaiT uses 4 to 16 heads.
constexpr int kMaxHeads = 16;
constexpr int kThreads = 256;

// Reduces v[0..kMaxHeads) over the block with `op`; every thread gets the results.
template <typename T, typename Op>
__device__ void block_reduce_heads(T (&v)[kMaxHeads], T (*shared)[kMaxHeads], Op op) {
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, warps = blockDim.x >> 5;
#pragma unroll
  for (int h = 0; h < kMaxHeads; ++h)
    for (int offset = 16; offset > 0; offset >>= 1)
      v[h] = op(v[h], __shfl_down_sync(0xffffffffu, v[h], offset));
  __syncthreads();  // earlier readers of `shared` are done
  if (lane == 0)
#pragma unroll
    for (int h = 0; h < kMaxHeads; ++h) shared[warp][h] = v[h];
  __syncthreads();
#pragma unroll
  for (int h = 0; h < kMaxHeads; ++h) {
    T r = shared[0][h];
    for (int w = 1; w < warps; ++w) r = op(r, shared[w][h]);
    v[h] = r;
  }
}

struct Max {
  template <typename T>
  __device__ T operator()(T a, T b) const {
    return (a != a || a > b) ? a : b;
  }
};
struct Add {
  template <typename T>
  __device__ T operator()(T a, T b) const {
    return a + b;
  }
};

// m[h'] = Σ_h w[h', h] x[h] + bias[h'] for h' < heads.
template <typename T>
__device__ void mix(const T (&x)[kMaxHeads], T (&m)[kMaxHeads], const T* w, const T* bias,
                    int heads) {
#pragma unroll
  for (int o = 0; o < kMaxHeads; ++o) {
    if (o >= heads) break;
    T acc = bias[o];
#pragma unroll
    for (int h = 0; h < kMaxHeads; ++h)
      if (h < heads) acc += w[o * heads + h] * x[h];
    m[o] = acc;
  }
}

// L (heads, n, n) of one image; block r handles query row r of every head.
template <typename T>
__global__ void mix_softmax_mix(T* L, int64_t n, int heads, const T* wl, const T* bl, const T* ww,
                                const T* bw) {
  __shared__ T w_l[kMaxHeads * kMaxHeads], w_w[kMaxHeads * kMaxHeads];
  __shared__ T b_l[kMaxHeads], b_w[kMaxHeads];
  __shared__ T shared[kThreads / 32][kMaxHeads];
  for (int e = threadIdx.x; e < heads * heads; e += blockDim.x) {
    w_l[e] = wl[e];
    w_w[e] = ww[e];
  }
  for (int e = threadIdx.x; e < heads; e += blockDim.x) {
    b_l[e] = bl[e];
    b_w[e] = bw[e];
  }
  __syncthreads();
  const int64_t plane = n * n;
  for (int64_t r = blockIdx.x; r < n; r += gridDim.x) {
    T* row = L + r * n;
    T x[kMaxHeads], m[kMaxHeads], mx[kMaxHeads], sum[kMaxHeads];
#pragma unroll
    for (int h = 0; h < kMaxHeads; ++h) {
      x[h] = 0;
      m[h] = 0;
      mx[h] = -std::numeric_limits<T>::infinity();
      sum[h] = 0;
    }
    // Pass 1: first mix, in place, and each mixed row's maximum.
    for (int64_t j = threadIdx.x; j < n; j += blockDim.x) {
#pragma unroll
      for (int h = 0; h < kMaxHeads; ++h)
        if (h < heads) x[h] = row[h * plane + j];
      mix(x, m, w_l, b_l, heads);
#pragma unroll
      for (int h = 0; h < kMaxHeads; ++h)
        if (h < heads) {
          row[h * plane + j] = m[h];
          mx[h] = Max()(mx[h], m[h]);
        }
    }
    block_reduce_heads(mx, shared, Max());
    // Pass 2: the softmax denominators.
    for (int64_t j = threadIdx.x; j < n; j += blockDim.x)
#pragma unroll
      for (int h = 0; h < kMaxHeads; ++h)
        if (h < heads) sum[h] += exp(row[h * plane + j] - mx[h]);
    block_reduce_heads(sum, shared, Add());
#pragma unroll
    for (int h = 0; h < kMaxHeads; ++h) sum[h] = T(1) / sum[h];
    // Pass 3: probabilities and the second mix, in place.
    for (int64_t j = threadIdx.x; j < n; j += blockDim.x) {
#pragma unroll
      for (int h = 0; h < kMaxHeads; ++h)
        if (h < heads) x[h] = exp(row[h * plane + j] - mx[h]) * sum[h];
      mix(x, m, w_w, b_w, heads);
#pragma unroll
      for (int h = 0; h < kMaxHeads; ++h)
        if (h < heads) row[h * plane + j] = m[h];
    }
  }
}

}  // namespace

void CudaBackend::talking_heads_attention(const Tensor& out, const Tensor& qkv, int64_t heads,
                                          double scale, const Tensor& w_l, const Tensor& b_l,
                                          const Tensor& w_w, const Tensor& b_w) const {
  UFLOW_CHECK(heads <= kMaxHeads, "talking_heads_attention: the CUDA kernel handles up to ",
              kMaxHeads, " heads, got ", heads);
  const int64_t B = qkv.size(0), N = qkv.size(1), D = qkv.size(2) / 3, hd = D / heads;
  const int64_t ld = 3 * D;
  Tensor logits = Tensor::empty({heads, N, N}, qkv.dtype(), qkv.device());
  const size_t esize = dtype_size(qkv.dtype());
  const char* src = static_cast<const char*>(qkv.raw_data());
  char* dst = static_cast<char*>(out.raw_data());
  for (int64_t b = 0; b < B; ++b) {
    const char* base = src + b * N * ld * esize;
    GemmArgs qk;
    qk.dtype = qkv.dtype();
    qk.batch = heads;
    qk.m = N;
    qk.n = N;
    qk.k = hd;
    qk.a = {base, false, ld, hd};             // q_h (N, hd)
    qk.b = {base + D * esize, true, ld, hd};  // k_hᵀ: k_h stored (N, hd)
    qk.c = logits.raw_data();
    qk.ldc = N;
    qk.batch_stride_c = N * N;
    qk.alpha = scale;
    gemm(qk);
    dispatch_dtype(qkv.dtype(), [&]<typename T>() {
      const unsigned grid = static_cast<unsigned>(N < 65535 ? N : 65535);
      mix_softmax_mix<T><<<grid, kThreads, 0, stream()>>>(
          logits.data<T>(), N, static_cast<int>(heads), w_l.data<T>(), b_l.data<T>(), w_w.data<T>(),
          b_w.data<T>());
      UFLOW_CUDA_CHECK_LAUNCH();
    });
    GemmArgs pv;
    pv.dtype = qkv.dtype();
    pv.batch = heads;
    pv.m = N;
    pv.n = hd;
    pv.k = N;
    pv.a = {logits.raw_data(), false, N, N * N};   // P_h (N, N)
    pv.b = {base + 2 * D * esize, false, ld, hd};  // v_h (N, hd)
    pv.c = dst + b * N * D * esize;
    pv.ldc = D;
    pv.batch_stride_c = hd;
    gemm(pv);
  }
}

}  // namespace uflow::cuda
