// Gather along the middle axis with a permutation: one memcpy per (outer, i) row of `inner`
// elements.
#include <cstring>

#include "tensor/cpu/cpu_backend.h"

namespace uflow::cpu {

void CpuBackend::permute_dim(const Tensor& out, const Tensor& x, int64_t outer, int64_t n,
                             int64_t inner, const std::vector<int64_t>& perm) const {
  const size_t row = inner * dtype_size(x.dtype());
  const char* s = static_cast<const char*>(x.raw_data());
  char* o = static_cast<char*>(out.raw_data());
#pragma omp parallel for collapse(2) if (outer * n * inner > 65536)
  for (int64_t a = 0; a < outer; ++a)
    for (int64_t i = 0; i < n; ++i)
      std::memcpy(o + (a * n + i) * row, s + (a * n + perm[i]) * row, row);
}

}  // namespace uflow::cpu
