// CPU application of a 1-d resampling table (tensor/interp_table.h) along the middle axis of
// a contiguous tensor seen as (outer, n, inner). Only tensor/ops_interpolate.cpp calls this.
#pragma once
#include "tensor/interp_table.h"
#include "tensor/tensor.h"

namespace uflow::cpu {

// y[a, o, k] = Σ_e weight[e] · x[a, col[e], k] over the taps of row o, accumulated in the
// tensor's dtype; x is (outer, t.n_in, inner), y is (outer, t.n_out, inner).
void interp_apply(const Tensor& y, const Tensor& x, int64_t outer, int64_t inner,
                  const InterpTable& t);

}  // namespace uflow::cpu
