// Reductions on the GPU over a contiguous (A, R, K) layout. K == 1 (reduced elements adjacent):
// one block per output row, threads stride over the row and combine in a shared-memory tree.
// K > 1: one thread per output, walking its run with stride K, so neighbouring threads read
// neighbouring addresses; that loop is the same code the CPU runs (tensor/reduce_math.h).
#include "tensor/cuda/check.h"
#include "tensor/cuda/cuda_backend.h"
#include "tensor/reduce_math.h"

namespace uflow::cuda {
namespace {

constexpr int kBlock = 256;

// Tree-combines one value per thread; every thread gets the block's result.
template <typename Acc, typename Combine>
__device__ Acc block_combine(Acc v, Acc* smem, Combine combine) {
  smem[threadIdx.x] = v;
  __syncthreads();
  for (int s = kBlock / 2; s > 0; s >>= 1) {
    if (threadIdx.x < s) smem[threadIdx.x] = combine(smem[threadIdx.x], smem[threadIdx.x + s]);
    __syncthreads();
  }
  const Acc r = smem[0];
  __syncthreads();  // smem may be reused by the caller
  return r;
}

struct AddD {
  __device__ double operator()(double a, double b) const { return a + b; }
};
template <typename T, BinaryOp OP>
struct Pick {
  __device__ T operator()(T a, T b) const { return ew::binary<OP>(a, b); }
};
template <typename T>
struct ArgCombine {
  __device__ rd::ArgBest<T> operator()(rd::ArgBest<T> a, rd::ArgBest<T> b) const {
    return rd::argmax_combine(a, b);
  }
};

// Row kernels (K == 1): rows of length R, one block each (grid-stride over rows).
template <typename T>
__global__ void row_sum(T* out, const T* x, int64_t A, int64_t R, double scale) {
  __shared__ double smem[kBlock];
  for (int64_t a = blockIdx.x; a < A; a += gridDim.x) {
    const T* p = x + a * R;
    double acc = 0;
    for (int64_t r = threadIdx.x; r < R; r += kBlock) acc += static_cast<double>(p[r]);
    acc = block_combine(acc, smem, AddD{});
    if (threadIdx.x == 0) out[a] = static_cast<T>(acc * scale);
  }
}

template <typename T, BinaryOp OP>
__global__ void row_pick(T* out, const T* x, int64_t A, int64_t R) {
  __shared__ T smem[kBlock];
  for (int64_t a = blockIdx.x; a < A; a += gridDim.x) {
    const T* p = x + a * R;
    // Every thread starts from the row's first element, which is neutral for max and min.
    T acc = p[0];
    for (int64_t r = threadIdx.x; r < R; r += kBlock) acc = ew::binary<OP>(acc, p[r]);
    acc = block_combine(acc, smem, Pick<T, OP>{});
    if (threadIdx.x == 0) out[a] = acc;
  }
}

template <typename T>
__global__ void row_argmax(T* out, const T* x, int64_t A, int64_t R) {
  __shared__ rd::ArgBest<T> smem[kBlock];
  for (int64_t a = blockIdx.x; a < A; a += gridDim.x) {
    const T* p = x + a * R;
    rd::ArgBest<T> best{p[0], 0};
    for (int64_t r = threadIdx.x; r < R; r += kBlock)
      best = rd::argmax_combine(best, rd::ArgBest<T>{p[r], r});
    best = block_combine(best, smem, ArgCombine<T>{});
    if (threadIdx.x == 0) out[a] = static_cast<T>(best.i);
  }
}

template <typename T>
__global__ void row_var(T* out, const T* x, int64_t A, int64_t R, int64_t correction) {
  __shared__ double smem[kBlock];
  for (int64_t a = blockIdx.x; a < A; a += gridDim.x) {
    const T* p = x + a * R;
    double s = 0;
    for (int64_t r = threadIdx.x; r < R; r += kBlock) s += static_cast<double>(p[r]);
    const double mean = block_combine(s, smem, AddD{}) / static_cast<double>(R);
    double ss = 0;
    for (int64_t r = threadIdx.x; r < R; r += kBlock) {
      const double d = static_cast<double>(p[r]) - mean;
      ss += d * d;
    }
    ss = block_combine(ss, smem, AddD{});
    if (threadIdx.x == 0) out[a] = static_cast<T>(rd::var_from(ss, R, correction));
  }
}

// Column kernels (K > 1): thread i owns output i = a·K + k.
enum class ColOp { sum, mean, max, min, argmax, var };

template <typename T, ColOp OP>
__global__ void col_reduce(T* out, const T* x, int64_t A, int64_t R, int64_t K,
                           int64_t correction) {
  const int64_t n = A * K;
  for (int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; i < n;
       i += (int64_t)gridDim.x * blockDim.x) {
    const T* p = x + (i / K) * R * K + i % K;
    if constexpr (OP == ColOp::sum) out[i] = static_cast<T>(rd::sum(p, R, K));
    if constexpr (OP == ColOp::mean)
      out[i] = static_cast<T>(rd::sum(p, R, K) / static_cast<double>(R));
    if constexpr (OP == ColOp::max) out[i] = rd::max(p, R, K);
    if constexpr (OP == ColOp::min) out[i] = rd::min(p, R, K);
    if constexpr (OP == ColOp::argmax) out[i] = static_cast<T>(rd::argmax(p, R, K));
    if constexpr (OP == ColOp::var) {
      const double mean = rd::sum(p, R, K) / static_cast<double>(R);
      out[i] = static_cast<T>(rd::var_from(rd::sum_sq_dev(p, R, K, mean), R, correction));
    }
  }
}

unsigned row_grid(int64_t A) {
  return static_cast<unsigned>(A < 65535 * 16 ? A : 65535 * 16);
}

template <typename T, ColOp OP>
void launch_col(const Tensor& out, const Tensor& x, int64_t A, int64_t R, int64_t K,
                int64_t correction = 0) {
  col_reduce<T, OP>
      <<<grid_for(A * K), kBlock, 0, stream()>>>(out.data<T>(), x.data<T>(), A, R, K, correction);
}

}  // namespace

void CudaBackend::reduce(ReduceOp op, const Tensor& out, const Tensor& x, int64_t A, int64_t R,
                         int64_t K) const {
  if (A * K == 0) return;
  dispatch_dtype(x.dtype(), [&]<typename T>() {
    T* o = out.data<T>();
    const T* p = x.data<T>();
    if (K == 1 && R > 0) {
      switch (op) {
        case ReduceOp::sum:
          row_sum<T><<<row_grid(A), kBlock, 0, stream()>>>(o, p, A, R, 1.0);
          break;
        case ReduceOp::mean:
          row_sum<T>
              <<<row_grid(A), kBlock, 0, stream()>>>(o, p, A, R, 1.0 / static_cast<double>(R));
          break;
        case ReduceOp::max:
          row_pick<T, BinaryOp::maximum><<<row_grid(A), kBlock, 0, stream()>>>(o, p, A, R);
          break;
        case ReduceOp::min:
          row_pick<T, BinaryOp::minimum><<<row_grid(A), kBlock, 0, stream()>>>(o, p, A, R);
          break;
      }
    } else {
      switch (op) {
        case ReduceOp::sum:
          launch_col<T, ColOp::sum>(out, x, A, R, K);
          break;
        case ReduceOp::mean:
          launch_col<T, ColOp::mean>(out, x, A, R, K);
          break;
        case ReduceOp::max:
          launch_col<T, ColOp::max>(out, x, A, R, K);
          break;
        case ReduceOp::min:
          launch_col<T, ColOp::min>(out, x, A, R, K);
          break;
      }
    }
  });
  UFLOW_CUDA_CHECK_LAUNCH();
}

void CudaBackend::argmax(const Tensor& out, const Tensor& x, int64_t A, int64_t R,
                         int64_t K) const {
  if (A * K == 0) return;
  dispatch_dtype(x.dtype(), [&]<typename T>() {
    if (K == 1)
      row_argmax<T><<<row_grid(A), kBlock, 0, stream()>>>(out.data<T>(), x.data<T>(), A, R);
    else
      launch_col<T, ColOp::argmax>(out, x, A, R, K);
  });
  UFLOW_CUDA_CHECK_LAUNCH();
}

void CudaBackend::var(const Tensor& out, const Tensor& x, int64_t A, int64_t R, int64_t K,
                      int64_t correction) const {
  if (A * K == 0) return;
  dispatch_dtype(x.dtype(), [&]<typename T>() {
    if (K == 1 && R > 0)
      row_var<T>
          <<<row_grid(A), kBlock, 0, stream()>>>(out.data<T>(), x.data<T>(), A, R, correction);
    else
      launch_col<T, ColOp::var>(out, x, A, R, K, correction);
  });
  UFLOW_CUDA_CHECK_LAUNCH();
}

}  // namespace uflow::cuda
