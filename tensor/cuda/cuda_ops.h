// CUDA implementations behind tensor/ops.h. Only the dispatchers in tensor/*.cpp call these.
#pragma once
#include "tensor/ops.h"

namespace uflow::cuda {

void copy_strided(const Tensor& dst, const Tensor& src);  // any strides, src may broadcast,
                                                          // dtype conversion allowed
void fill(const Tensor& dst, double value);

}  // namespace uflow::cuda

namespace uflow::cuda {
// x contiguous, viewed as (outer, n, inner); out[o, i, k] = x[o, perm[i], k].
void permute_dim(const Tensor& out, const Tensor& x, int64_t outer, int64_t n, int64_t inner,
                 const std::vector<int64_t>& perm);
}  // namespace uflow::cuda
