// A 1-d resampling operator as a sparse matrix. 2-d interpolation applies one table along W and
// then one along H (the order PyTorch accumulates in); the backward applies the transposed
// tables in reverse order. Tables are built on the host by tensor/ops_interpolate.cpp.
#pragma once
#include <cstdint>
#include <vector>

namespace uflow {

struct InterpTable {
  int64_t n_in = 0, n_out = 0;
  // Output index o reads taps [row[o], row[o + 1]): input index col[e] with weight weight[e].
  // A row may name the same input twice (clamped borders); the taps are summed in order.
  std::vector<int64_t> row, col;
  // Computed in the tensor's dtype (as PyTorch does in its accumulate type) and stored
  // exactly in double, so an f32 kernel casts back without rounding.
  std::vector<double> weight;
};

}  // namespace uflow
