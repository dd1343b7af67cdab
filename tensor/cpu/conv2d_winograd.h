// 3×3, stride-1, ungrouped convolutions on the CPU by Winograd's minimal filtering F(2×2, 3×3)
// (Lavin & Gray, "Fast Algorithms for Convolutional Neural Networks", 2016): each 2×2 output
// tile costs 16 multiplications per (input, output) channel pair instead of 36, so the GEMM
// work drops 2.25× against im2col. The flow's subnets are almost all such convolutions
// (README.md, "Where the time goes"). The input gradient of such a convolution is again one
// (with the kernel rotated and the channels swapped), so it goes the same way; the weight
// gradient is the transposed algorithm, F(3×3, 2×2) in effect, with the tiles as the GEMMs'
// inner dimension.
#pragma once

#include "tensor/conv2d_geometry.h"

namespace uflow::cpu {

// Whether the Winograd path takes this forward convolution: 3×3 kernel, stride 1, no groups,
// and enough channels that the tile transforms are cheap next to the GEMMs.
bool winograd_applies(const Conv2dGeometry& g);

// y (N, O, OH, OW) = conv(x (N, C, H, W), w (O, C, 3, 3)) + bias (O, or null).
template <typename T>
void winograd_conv2d_forward(T* y, const T* x, const T* w, const T* bias, const Conv2dGeometry& g);

// dx (N, C, H, W) from dy (N, O, OH, OW): the convolution of dy with w rotated by 180° and
// transposed to (C, O, 3, 3), padded so that its output is H × W.
template <typename T>
void winograd_conv2d_backward_input(T* dx, const T* dy, const T* w, const Conv2dGeometry& g);

// dw (O, C, 3, 3) = Σ over samples and pixels of dy (N, O, OH, OW) times the input under each
// kernel tap: the weight gradient of winograd_conv2d_forward, overwriting dw.
template <typename T>
void winograd_conv2d_backward_weight(T* dw, const T* dy, const T* x, const Conv2dGeometry& g);

}  // namespace uflow::cpu
