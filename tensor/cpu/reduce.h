// CPU reductions over the middle axis of a contiguous tensor viewed as (A, R, K):
// out[a, k] = reduce over r of x[a, r, k]. The dispatcher (tensor/ops_reduce.cpp) brings any
// reduction into this form.
#pragma once
#include "tensor/ops.h"

namespace uflow::cpu {

void reduce(ReduceOp op, const Tensor& out, const Tensor& x, int64_t A, int64_t R, int64_t K);
// Index of the first maximum (NaN counts as the maximum), as a value of out's dtype.
void argmax(const Tensor& out, const Tensor& x, int64_t A, int64_t R, int64_t K);
// Σ (x - mean)² / (R - correction), two passes in double.
void var(const Tensor& out, const Tensor& x, int64_t A, int64_t R, int64_t K, int64_t correction);

}  // namespace uflow::cpu
