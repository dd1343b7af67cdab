// Reductions on the GPU over a contiguous (A, R, K) layout, parallel over R as well as over the
// A·K outputs: each run of R elements is cut into P pieces (tensor/reduce_pieces.h); one pass
// reduces every piece, a second pass combines the P partial results of each output (one pass
// when P = 1). P depends on the shape alone, so results repeat bit for bit from run to run.
//  - K == 1 (reduced elements adjacent): one block per piece, threads stride over the piece and
//    combine in a shared-memory tree. Full reductions (A = 1) use ~1000 blocks instead of one.
//  - K > 1: one thread per (a, piece, k), walking its piece with stride K, so neighbouring
//    threads read neighbouring addresses. A bias gradient (A = 1, R = B·N, K = D) gets
//    ~128K threads instead of D.
#include "tensor/cuda/check.h"
#include "tensor/cuda/cuda_backend.h"
#include "tensor/cuda/device_buffer.h"
#include "tensor/reduce_pieces.h"

namespace uflow::cuda {
namespace {

using rd::ArgAcc;
using rd::Moments;
using rd::PickAcc;
using rd::SumAcc;
using rd::VarAcc;

constexpr int kBlock = rd::kReduceBlock;

// ---- where elements come from: the input, or the partial results of the first pass
template <typename T, typename Op>
struct InputSource {
  const T* x;
  int64_t R, K;
  __device__ typename Op::Acc operator()(int64_t a, int64_t r, int64_t k) const {
    return Op::load(x[(a * R + r) * K + k], r);
  }
};
template <typename Acc>
struct PartialSource {
  const Acc* partial;
  int64_t P, K;
  __device__ Acc operator()(int64_t a, int64_t p, int64_t k) const {
    return partial[(a * P + p) * K + k];
  }
};

// ---- where results go: partial results, or the outputs
template <typename Acc>
struct PartialSink {
  Acc* partial;
  __device__ void operator()(int64_t i, const Acc& v) const { partial[i] = v; }
};
template <typename T>
struct SumSink {
  T* out;
  double scale;  // 1/R for mean
  __device__ void operator()(int64_t i, double v) const { out[i] = static_cast<T>(v * scale); }
};
template <typename T>
struct PickSink {
  T* out;
  __device__ void operator()(int64_t i, T v) const { out[i] = v; }
};
template <typename T>
struct ArgSink {
  int64_t* out;
  __device__ void operator()(int64_t i, const rd::ArgBest<T>& v) const { out[i] = v.i; }
};
template <typename T>
struct VarSink {
  T* out;
  int64_t R, correction;
  __device__ void operator()(int64_t i, const Moments& v) const {
    out[i] = static_cast<T>(rd::var_from(v.m2, R, correction));
  }
};

// Tree-combines one value per thread; every thread gets the block's result.
template <typename Op>
__device__ typename Op::Acc block_combine(typename Op::Acc v, typename Op::Acc* smem) {
  smem[threadIdx.x] = v;
  __syncthreads();
  for (int s = kBlock / 2; s > 0; s >>= 1) {
    if (threadIdx.x < s) smem[threadIdx.x] = Op::combine(smem[threadIdx.x], smem[threadIdx.x + s]);
    __syncthreads();
  }
  const typename Op::Acc r = smem[0];
  __syncthreads();  // smem is reused by the next piece
  return r;
}

// K == 1: block per piece (a, p) of elements [p·L, min(R, (p+1)·L)); result i = a·P + p.
template <typename Op, typename Src, typename Sink>
__global__ void reduce_rows(Src src, int64_t A, int64_t R, int64_t P, int64_t L, Sink sink) {
  using Acc = typename Op::Acc;
  __shared__ Acc smem[kBlock];
  for (int64_t piece = blockIdx.x; piece < A * P; piece += gridDim.x) {
    const int64_t a = piece / P, lo = (piece % P) * L;
    const int64_t hi = lo + L < R ? lo + L : R;
    Acc acc = Op::identity();
    for (int64_t r = lo + threadIdx.x; r < hi; r += kBlock) acc = Op::combine(acc, src(a, r, 0));
    acc = block_combine<Op>(acc, smem);
    if (threadIdx.x == 0) sink(piece, acc);
  }
}

// K > 1: thread per (a, p, k); result i = (a·P + p)·K + k.
template <typename Op, typename Src, typename Sink>
__global__ void reduce_cols(Src src, int64_t A, int64_t R, int64_t K, int64_t P, int64_t L,
                            Sink sink) {
  const int64_t n = A * P * K;
  for (int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; i < n;
       i += (int64_t)gridDim.x * blockDim.x) {
    const int64_t k = i % K, piece = i / K;
    const int64_t a = piece / P, lo = (piece % P) * L;
    const int64_t hi = lo + L < R ? lo + L : R;
    typename Op::Acc acc = Op::identity();
    for (int64_t r = lo; r < hi; ++r) acc = Op::combine(acc, src(a, r, k));
    sink(i, acc);
  }
}

unsigned blocks_for(int64_t pieces) {
  return static_cast<unsigned>(pieces < 65535 * 16 ? pieces : 65535 * 16);
}

template <typename Op, typename Src, typename Sink>
void launch_pass(Src src, int64_t A, int64_t R, int64_t K, int64_t P, int64_t L, Sink sink) {
  if (K == 1)
    reduce_rows<Op><<<blocks_for(A * P), kBlock, 0, stream()>>>(src, A, R, P, L, sink);
  else
    reduce_cols<Op><<<grid_for(A * P * K), kBlock, 0, stream()>>>(src, A, R, K, P, L, sink);
  UFLOW_CUDA_CHECK_LAUNCH();
}

// Reduces x (A, R, K) over R into sink (result i = a·K + k), in one pass or two.
template <typename Op, typename T, typename Sink>
void run_reduction(const T* x, int64_t A, int64_t R, int64_t K, Sink sink) {
  using Acc = typename Op::Acc;
  const InputSource<T, Op> input{x, R, K};
  const rd::ReductionSplit s = rd::split_reduction(A, R, K);
  if (s.P == 1) return launch_pass<Op>(input, A, R, K, 1, R, sink);
  DeviceBuffer partial(static_cast<size_t>(A * s.P * K) * sizeof(Acc));
  launch_pass<Op>(input, A, R, K, s.P, s.L, PartialSink<Acc>{partial.as<Acc>()});
  launch_pass<Op>(PartialSource<Acc>{partial.as<Acc>(), s.P, K}, A, s.P, K, 1, s.P, sink);
}

}  // namespace

void CudaBackend::reduce(ReduceOp op, const Tensor& out, const Tensor& x, int64_t A, int64_t R,
                         int64_t K) const {
  if (A * K == 0) return;
  dispatch_dtype(x.dtype(), [&]<typename T>() {
    T* o = out.data<T>();
    const T* p = x.data<T>();
    switch (op) {
      case ReduceOp::sum:
        return run_reduction<SumAcc<T>>(p, A, R, K, SumSink<T>{o, 1.0});
      case ReduceOp::mean:
        return run_reduction<SumAcc<T>>(p, A, R, K, SumSink<T>{o, 1.0 / static_cast<double>(R)});
      case ReduceOp::max:
        return run_reduction<PickAcc<T, BinaryOp::maximum>>(p, A, R, K, PickSink<T>{o});
      case ReduceOp::min:
        return run_reduction<PickAcc<T, BinaryOp::minimum>>(p, A, R, K, PickSink<T>{o});
    }
  });
}

void CudaBackend::argmax(int64_t* out, const Tensor& x, int64_t A, int64_t R, int64_t K) const {
  if (A * K == 0) return;
  dispatch_dtype(x.dtype(), [&]<typename T>() {
    run_reduction<ArgAcc<T>>(x.data<T>(), A, R, K, ArgSink<T>{out});
  });
}

void CudaBackend::var(const Tensor& out, const Tensor& x, int64_t A, int64_t R, int64_t K,
                      int64_t correction) const {
  if (A * K == 0) return;
  dispatch_dtype(x.dtype(), [&]<typename T>() {
    run_reduction<VarAcc<T>>(x.data<T>(), A, R, K, VarSink<T>{out.data<T>(), R, correction});
  });
}

}  // namespace uflow::cuda
