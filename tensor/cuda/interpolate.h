// CUDA application of a 1-d resampling table (tensor/interp_table.h) along the middle axis of
// a contiguous tensor seen as (outer, n, inner). Only tensor/ops_interpolate.cpp calls this.
#pragma once
#include "tensor/interp_table.h"
#include "tensor/tensor.h"

namespace uflow::cuda {

// Same contract as cpu::interp_apply; one thread per output element, taps in table order.
void interp_apply(const Tensor& y, const Tensor& x, int64_t outer, int64_t inner,
                  const InterpTable& t);

}  // namespace uflow::cuda
