// The resolved geometry of one conv2d call, shared by the CPU and CUDA implementations.
#pragma once
#include <cstdint>

#include "tensor/ops.h"

namespace uflow {

struct Conv2dGeometry {
  int64_t n, c, h, w;  // input
  int64_t o, kh, kw;   // weight (o, c / groups, kh, kw)
  int64_t oh, ow;      // output spatial size
  int64_t stride_h, stride_w;
  int64_t pad_top, pad_left;      // zero rows/cols before the input
  int64_t pad_bottom, pad_right;  // after it; differ from top/left only for 'same', even kernel
  int64_t groups;

  int64_t c_per_group() const { return c / groups; }
  int64_t o_per_group() const { return o / groups; }
  // Rows of the im2col matrix of one group: (c/groups)·kh·kw.
  int64_t col_rows() const { return c_per_group() * kh * kw; }
  int64_t out_pixels() const { return oh * ow; }
  // A 1×1, stride-1, unpadded convolution is a plain GEMM over the input itself.
  bool is_pointwise() const {
    return kh == 1 && kw == 1 && stride_h == 1 && stride_w == 1 && pad_top == 0 && pad_left == 0 &&
           pad_bottom == 0 && pad_right == 0;
  }
};

// Validates the shapes and options and resolves padding ('same' follows PyTorch: the total
// padding k - 1 is split with the smaller half on the top/left).
Conv2dGeometry conv2d_geometry(const Shape& x_shape, const Shape& w_shape,
                               const Conv2dOptions& opt);

}  // namespace uflow
