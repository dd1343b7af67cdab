// A (batched) row-major GEMM described once and run by either backend:
//   C_i = alpha · op(A_i) · op(B_i) + beta · C_i,  i < batch,
// with X_i = X + i · batch_stride. A stored operand may be the transpose of the logical matrix
// (trans = true, i.e. it is laid out column-major), which BLAS handles without a copy.
#pragma once
#include <cstdint>

#include "tensor/dtype.h"

namespace uflow {

struct GemmOperand {
  const void* data = nullptr;
  bool trans = false;        // stored as the transpose of the logical (rows, cols) matrix
  int64_t ld = 1;            // leading dimension of the stored layout
  int64_t batch_stride = 0;  // elements between consecutive matrices; 0 broadcasts
};

struct GemmArgs {
  DType dtype = DType::f32;
  int64_t batch = 1, m = 0, n = 0, k = 0;
  GemmOperand a, b;   // logical shapes (m, k) and (k, n)
  void* c = nullptr;  // row-major (m, n) with leading dimension ldc
  int64_t ldc = 0, batch_stride_c = 0;
  double alpha = 1.0, beta = 0.0;
};

}  // namespace uflow
