// Permutation of the entries along one dim (a gather with a permutation index).
#include <cstring>

#include "tensor/ops.h"
#if defined(UFLOW_WITH_CUDA)
#include "tensor/cuda/cuda_ops.h"
#endif

namespace uflow::kernels {

Tensor permute_dim(const Tensor& x, int64_t dim, const std::vector<int64_t>& perm) {
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
#if defined(UFLOW_WITH_CUDA)
  if (x.is_cuda()) {
    cuda::permute_dim(out, src, outer, n, inner, perm);
    return out;
  }
#endif
  const size_t row = inner * dtype_size(x.dtype());
  const char* s = static_cast<const char*>(src.raw_data());
  char* o = static_cast<char*>(out.raw_data());
#pragma omp parallel for collapse(2) if (outer * n * inner > 65536)
  for (int64_t a = 0; a < outer; ++a)
    for (int64_t i = 0; i < n; ++i)
      std::memcpy(o + (a * n + i) * row, s + (a * n + perm[i]) * row, row);
  return out;
}

}  // namespace uflow::kernels
