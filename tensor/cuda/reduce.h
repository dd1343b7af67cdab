// CUDA reductions with the contract of tensor/cpu/reduce.h: x contiguous viewed as (A, R, K),
// out[a, k] = reduce over r of x[a, r, k].
#pragma once
#include "tensor/ops.h"

namespace uflow::cuda {

void reduce(ReduceOp op, const Tensor& out, const Tensor& x, int64_t A, int64_t R, int64_t K);
void argmax(const Tensor& out, const Tensor& x, int64_t A, int64_t R, int64_t K);
void var(const Tensor& out, const Tensor& x, int64_t A, int64_t R, int64_t K, int64_t correction);

}  // namespace uflow::cuda
