// CUDA implementations of 2-d padding behind tensor/ops.h. Only the dispatcher in
// tensor/ops_shape.cpp calls these; every tensor argument is contiguous.
#pragma once
#include "tensor/pad2d_geometry.h"
#include "tensor/tensor.h"

namespace uflow::cuda {

void pad2d(const Tensor& y, const Tensor& x, const Pad2dGeometry& g);
void pad2d_backward(const Tensor& dx, const Tensor& grad, const Pad2dGeometry& g);

}  // namespace uflow::cuda
