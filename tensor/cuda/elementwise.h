// CUDA element-wise kernels behind kernels::unary, binary, where and friends; the same
// contract as tensor/cpu/elementwise.h (out fresh and contiguous, inputs any strides).
#pragma once
#include "tensor/ops.h"

namespace uflow::cuda {

void unary(UnaryOp op, const Tensor& out, const Tensor& x);
void unary_backward(UnaryOp op, const Tensor& out, const Tensor& x, const Tensor& y,
                    const Tensor& grad);
void softplus(const Tensor& out, const Tensor& x, double beta, double threshold);
void softplus_backward(const Tensor& out, const Tensor& x, const Tensor& grad, double beta,
                       double threshold);
void pow_scalar(const Tensor& out, const Tensor& x, double p);
void affine_scalar(const Tensor& out, const Tensor& x, double mul, double add);
void clamp(const Tensor& out, const Tensor& x, double lo, double hi);
void binary(BinaryOp op, const Tensor& out, const Tensor& a, const Tensor& b);
void where(const Tensor& out, const Tensor& cond, const Tensor& a, const Tensor& b);

}  // namespace uflow::cuda
