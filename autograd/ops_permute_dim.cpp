#include "autograd/ops.h"

namespace uflow {

Tensor permute_dim(const Tensor& x, int64_t dim, const std::vector<int64_t>& perm) {
  Tensor y = kernels::permute_dim(x, dim, perm);
  return record(y, "permute_dim", {x}, [dim, perm](const Tensor& g) -> std::vector<Tensor> {
    std::vector<int64_t> inverse(perm.size());
    for (size_t i = 0; i < perm.size(); ++i) inverse[perm[i]] = static_cast<int64_t>(i);
    return {kernels::permute_dim(g, dim, inverse)};
  });
}

}  // namespace uflow
