// Warp and block reductions for the row-wise kernels (softmax, layer_norm).
#pragma once

namespace uflow::cuda {

struct SumOp {
  template <typename T>
  __device__ T operator()(T a, T b) const {
    return a + b;
  }
};
struct MaxOp {  // NaN wins, as in PyTorch's max
  template <typename T>
  __device__ T operator()(T a, T b) const {
    return (a != a || a > b) ? a : b;
  }
};

template <typename T, typename Op>
__device__ T warp_reduce(T v, Op op) {
  for (int offset = 16; offset > 0; offset >>= 1)
    v = op(v, __shfl_down_sync(0xffffffffu, v, offset));
  return v;
}

// Reduces v over the whole block (blockDim.x a multiple of 32); every thread gets the result.
// `shared` holds at least 32 values; consecutive calls may reuse it.
template <typename T, typename Op>
__device__ T block_reduce(T v, T* shared, Op op, T identity) {
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
  const int warps = (blockDim.x + 31) >> 5;
  v = warp_reduce(v, op);
  __syncthreads();  // the previous call's readers are done with `shared`
  if (lane == 0) shared[warp] = v;
  __syncthreads();
  if (warp == 0) {
    T r = lane < warps ? shared[lane] : identity;
    r = warp_reduce(r, op);
    if (lane == 0) shared[0] = r;
  }
  __syncthreads();
  return shared[0];
}

}  // namespace uflow::cuda
