// Element-wise ops: shape and dtype checks, broadcasting, then the backend's element loop
// (tensor/elementwise_backend.h) with the formulas of tensor/elementwise_math.h.
#include "tensor/backend.h"
#include "tensor/elementwise_math.h"
#include "tensor/op_checks.h"
#include "tensor/ops.h"
#include "tensor/profiler.h"

namespace uflow::kernels {
namespace {

Tensor like(const Tensor& x) {
  return Tensor::empty(x.shape(), x.dtype(), x.device());
}

void check_grad_shape(const char* op, const Tensor& x, const Tensor& grad) {
  check_defined(op, x);
  check_defined(op, grad);
  check_same_kind(op, {&x, &grad});
  UFLOW_CHECK(x.shape() == grad.shape(), op, ": x ", shape_str(x.shape()), " and grad ",
              shape_str(grad.shape()), " differ");
}

}  // namespace

Tensor unary(UnaryOp op, const Tensor& x) {
  profile::Scope scope(op == UnaryOp::gelu ? profile::Kind::gelu : profile::Kind::elementwise);
  check_defined("unary", x);
  Tensor out = like(x);
  backend_of(x).unary(op, out, x);
  return out;
}

Tensor unary_backward(UnaryOp op, const Tensor& x, const Tensor& y, const Tensor& grad) {
  profile::Scope scope(op == UnaryOp::gelu ? profile::Kind::gelu : profile::Kind::elementwise);
  check_defined("unary_backward", x);
  check_defined("unary_backward", grad);
  const Tensor yy = y.defined() ? y : unary(op, x);
  check_same_kind("unary_backward", {&x, &yy, &grad});
  UFLOW_CHECK(x.shape() == grad.shape() && yy.shape() == x.shape(),
              "unary_backward: shapes differ: x ", shape_str(x.shape()), ", y ",
              shape_str(yy.shape()), ", grad ", shape_str(grad.shape()));
  Tensor out = like(x);
  backend_of(x).unary_backward(op, out, x, yy, grad);
  return out;
}

Tensor scalar_op(ScalarOp op, const Tensor& x, double p0, double p1) {
  profile::Scope scope(profile::Kind::elementwise);
  check_defined("scalar_op", x);
  Tensor out = like(x);
  backend_of(x).scalar_op(op, out, x, p0, p1);
  return out;
}

Tensor scalar_op_backward(ScalarOp op, const Tensor& x, const Tensor& grad, double p0, double p1) {
  profile::Scope scope(profile::Kind::elementwise);
  check_grad_shape("scalar_op_backward", x, grad);
  Tensor out = like(x);
  backend_of(x).scalar_op_backward(op, out, x, grad, p0, p1);
  return out;
}

Tensor softplus(const Tensor& x, double beta, double threshold) {
  UFLOW_CHECK(beta > 0, "softplus: beta must be positive, got ", beta);
  return scalar_op(ScalarOp::softplus, x, beta, threshold);
}
Tensor softplus_backward(const Tensor& x, const Tensor& grad, double beta, double threshold) {
  return scalar_op_backward(ScalarOp::softplus, x, grad, beta, threshold);
}
Tensor pow_scalar(const Tensor& x, double p) {
  return scalar_op(ScalarOp::pow, x, p, 0.0);
}
Tensor pow_scalar_backward(const Tensor& x, const Tensor& grad, double p) {
  return scalar_op_backward(ScalarOp::pow, x, grad, p, 0.0);
}
Tensor affine_scalar(const Tensor& x, double mul, double add) {
  return scalar_op(ScalarOp::affine, x, mul, add);
}
Tensor clamp(const Tensor& x, double lo, double hi) {
  UFLOW_CHECK(lo <= hi, "clamp: lower bound ", lo, " above upper bound ", hi);
  return scalar_op(ScalarOp::clamp, x, lo, hi);
}
Tensor clamp_backward(const Tensor& x, const Tensor& grad, double lo, double hi) {
  return scalar_op_backward(ScalarOp::clamp, x, grad, lo, hi);
}

Tensor binary(BinaryOp op, const Tensor& a, const Tensor& b) {
  profile::Scope scope(profile::Kind::elementwise);
  check_defined("binary", a);
  check_defined("binary", b);
  check_same_kind("binary", {&a, &b});
  const Shape shape = broadcast_shapes(a.shape(), b.shape());
  Tensor out = Tensor::empty(shape, a.dtype(), a.device());
  backend_of(a).binary(op, out, a, b);
  return out;
}

Tensor binary_backward(BinaryOp op, Operand side, const Tensor& a, const Tensor& b,
                       const Tensor& grad) {
  profile::Scope scope(profile::Kind::elementwise);
  check_defined("binary_backward", a);
  check_defined("binary_backward", b);
  check_defined("binary_backward", grad);
  check_same_kind("binary_backward", {&a, &b, &grad});
  const Shape shape = broadcast_shapes(a.shape(), b.shape());
  UFLOW_CHECK(grad.shape() == shape, "binary_backward: gradient ", shape_str(grad.shape()),
              " differs from the broadcast shape ", shape_str(shape));
  const Shape& target = side == Operand::a ? a.shape() : b.shape();
  if (ew::binary_grad_is_identity(op, side)) return sum_to(grad, target);
  Tensor out = Tensor::empty(shape, grad.dtype(), grad.device());
  backend_of(grad).binary_backward(op, side, out, a, b, grad);
  return sum_to(out, target);
}

Tensor where(const Tensor& cond, const Tensor& a, const Tensor& b) {
  profile::Scope scope(profile::Kind::elementwise);
  check_defined("where", cond);
  check_defined("where", a);
  check_defined("where", b);
  check_same_kind("where", {&a, &b});
  UFLOW_CHECK(cond.device() == a.device(), "where: condition on ", device_name(cond.device()),
              ", values on ", device_name(a.device()));
  // The condition may come in another dtype (a mask built in f32 used on f64 values).
  const Tensor c = to_dtype(cond, a.dtype());
  const Shape shape = broadcast_shapes(broadcast_shapes(c.shape(), a.shape()), b.shape());
  Tensor out = Tensor::empty(shape, a.dtype(), a.device());
  backend_of(a).where(out, c, a, b);
  return out;
}

}  // namespace uflow::kernels
