// Element-wise ops: shape and dtype checks, broadcasting, then the CPU loop or CUDA kernel.
#include "tensor/cpu/elementwise.h"
#include "tensor/dispatch.h"
#include "tensor/ops.h"
#if defined(UFLOW_WITH_CUDA)
#include "tensor/cuda/elementwise.h"
#define UFLOW_EW_CALL(dev_tensor, fn, ...) \
  do {                                     \
    if ((dev_tensor).is_cuda())            \
      cuda::fn(__VA_ARGS__);               \
    else                                   \
      cpu::fn(__VA_ARGS__);                \
  } while (0)
#else
#define UFLOW_EW_CALL(dev_tensor, fn, ...) cpu::fn(__VA_ARGS__)
#endif

namespace uflow::kernels {
namespace {

Tensor like(const Tensor& x) {
  return Tensor::empty(x.shape(), x.dtype(), x.device());
}

void check_defined(const char* op, const Tensor& t) {
  UFLOW_CHECK(t.defined(), op, ": undefined input tensor");
}

}  // namespace

Tensor unary(UnaryOp op, const Tensor& x) {
  check_defined("unary", x);
  Tensor out = like(x);
  UFLOW_EW_CALL(x, unary, op, out, x);
  return out;
}

Tensor unary_backward(UnaryOp op, const Tensor& x, const Tensor& y, const Tensor& grad) {
  check_defined("unary_backward", x);
  check_defined("unary_backward", grad);
  const Tensor yy = y.defined() ? y : unary(op, x);
  check_same_kind("unary_backward", {&x, &yy, &grad});
  UFLOW_CHECK(x.shape() == grad.shape() && yy.shape() == x.shape(),
              "unary_backward: shapes differ: x ", shape_str(x.shape()), ", y ",
              shape_str(yy.shape()), ", grad ", shape_str(grad.shape()));
  Tensor out = like(x);
  UFLOW_EW_CALL(x, unary_backward, op, out, x, yy, grad);
  return out;
}

Tensor softplus(const Tensor& x, double beta, double threshold) {
  check_defined("softplus", x);
  UFLOW_CHECK(beta > 0, "softplus: beta must be positive, got ", beta);
  Tensor out = like(x);
  UFLOW_EW_CALL(x, softplus, out, x, beta, threshold);
  return out;
}

Tensor softplus_backward(const Tensor& x, const Tensor& grad, double beta, double threshold) {
  check_defined("softplus_backward", x);
  check_same_kind("softplus_backward", {&x, &grad});
  UFLOW_CHECK(x.shape() == grad.shape(), "softplus_backward: x ", shape_str(x.shape()),
              " and grad ", shape_str(grad.shape()), " differ");
  Tensor out = like(x);
  UFLOW_EW_CALL(x, softplus_backward, out, x, grad, beta, threshold);
  return out;
}

Tensor pow_scalar(const Tensor& x, double p) {
  check_defined("pow_scalar", x);
  Tensor out = like(x);
  UFLOW_EW_CALL(x, pow_scalar, out, x, p);
  return out;
}

Tensor affine_scalar(const Tensor& x, double mul, double add) {
  check_defined("affine_scalar", x);
  Tensor out = like(x);
  UFLOW_EW_CALL(x, affine_scalar, out, x, mul, add);
  return out;
}

Tensor clamp(const Tensor& x, double lo, double hi) {
  check_defined("clamp", x);
  UFLOW_CHECK(lo <= hi, "clamp: lower bound ", lo, " above upper bound ", hi);
  Tensor out = like(x);
  UFLOW_EW_CALL(x, clamp, out, x, lo, hi);
  return out;
}

Tensor binary(BinaryOp op, const Tensor& a, const Tensor& b) {
  check_defined("binary", a);
  check_defined("binary", b);
  check_same_kind("binary", {&a, &b});
  const Shape shape = broadcast_shapes(a.shape(), b.shape());
  Tensor out = Tensor::empty(shape, a.dtype(), a.device());
  UFLOW_EW_CALL(a, binary, op, out, a, b);
  return out;
}

Tensor where(const Tensor& cond, const Tensor& a, const Tensor& b) {
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
  UFLOW_EW_CALL(a, where, out, c, a, b);
  return out;
}

}  // namespace uflow::kernels
