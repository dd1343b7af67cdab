// Permutation of the entries along one dim (a gather with a permutation index).
#include <cstring>

#include "tensor/backend.h"
#include "tensor/ops.h"
#include "tensor/profiler.h"

namespace uflow::kernels {

Tensor permute_dim(const Tensor& x, int64_t dim, const std::vector<int64_t>& perm) {
  profile::Scope scope(profile::Kind::shape);
  dim = normalize_dim(dim, x.dim());
  const int64_t n = x.size(dim);
  UFLOW_CHECK(static_cast<int64_t>(perm.size()) == n, "permute_dim: ", perm.size(),
              " indices for a dimension of size ", n);
  std::vector<bool> seen(n, false);
  for (int64_t p : perm) {
    UFLOW_CHECK(p >= 0 && p < n && !seen[p], "permute_dim: index list is not a permutation of 0..",
                n - 1);
    seen[p] = true;
  }
  Tensor src = contiguous(x);
  Tensor out = Tensor::empty(x.shape(), x.dtype(), x.device());
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < dim; ++d) outer *= x.size(d);
  for (int64_t d = dim + 1; d < x.dim(); ++d) inner *= x.size(d);
  backend_of(x).permute_dim(out, src, outer, n, inner, perm);
  return out;
}

}  // namespace uflow::kernels
