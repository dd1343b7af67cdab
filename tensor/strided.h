// Maps the linear index of an element of the output (row-major over out_shape) to the element
// offsets of up to three operands, honouring their strides and broadcasting (stride 0).
// Used by the CPU loops and the CUDA kernels alike, so both visit elements the same way.
#pragma once
#include <cstdint>

#include "tensor/tensor.h"

namespace uflow {

constexpr int kMaxDims = 8;

template <int N>
struct StridedIndexer {
  int ndim = 0;
  int64_t sizes[kMaxDims] = {};
  int64_t strides[N][kMaxDims] = {};
  int64_t base[N] = {};

  UFLOW_HD void offsets(int64_t linear, int64_t* out) const {
    for (int k = 0; k < N; ++k) out[k] = base[k];
    for (int d = ndim - 1; d >= 0; --d) {
      const int64_t i = linear % sizes[d];
      linear /= sizes[d];
      for (int k = 0; k < N; ++k) out[k] += i * strides[k][d];
    }
  }
};

// Strides of t viewed as broadcast to out_shape (0 on broadcast dims).
Shape broadcast_strides(const Tensor& t, const Shape& out_shape);

template <int N>
StridedIndexer<N> make_indexer(const Shape& out_shape, const Tensor* const (&operands)[N]) {
  UFLOW_CHECK(out_shape.size() <= kMaxDims, "tensors of more than ", kMaxDims,
              " dims are not supported");
  StridedIndexer<N> ix;
  ix.ndim = static_cast<int>(out_shape.size());
  for (int d = 0; d < ix.ndim; ++d) ix.sizes[d] = out_shape[d];
  for (int k = 0; k < N; ++k) {
    const Shape st = broadcast_strides(*operands[k], out_shape);
    for (int d = 0; d < ix.ndim; ++d) ix.strides[k][d] = st[d];
    ix.base[k] = operands[k]->offset();
  }
  return ix;
}

}  // namespace uflow
