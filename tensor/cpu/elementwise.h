// CPU element-wise loops behind kernels::unary, binary, where and friends. `out` is a fresh
// contiguous tensor of the broadcast shape; inputs share its dtype and may have any strides
// (stride 0 where they broadcast).
#pragma once
#include "tensor/ops.h"

namespace uflow::cpu {

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

}  // namespace uflow::cpu
