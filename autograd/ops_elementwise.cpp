// Differentiable element-wise ops. Every derivative is written next to its forward formula in
// tensor/elementwise_math.h; here each op records a tape node whose backward calls the matching
// backward kernel. Backward functions capture detached tensors (never the output itself, which
// would make a reference cycle through its grad_fn).
#include "autograd/ops.h"

namespace uflow {
namespace {

Tensor unary_op(UnaryOp op, const char* name, const Tensor& x) {
  Tensor y = kernels::unary(op, x);
  if (!needs_grad({x})) return y;
  return record(y, name, {x}, [op, xd = detach(x), yd = detach(y)](const Tensor& g) {
    return std::vector<Tensor>{kernels::unary_backward(op, xd, yd, g)};
  });
}

// Comparisons have no gradient: the raw kernel result carries no history.
Tensor comparison(BinaryOp op, const Tensor& a, const Tensor& b) {
  return kernels::binary(op, a, b);
}

}  // namespace

Tensor neg(const Tensor& x) {
  return unary_op(UnaryOp::neg, "neg", x);
}
Tensor abs(const Tensor& x) {
  return unary_op(UnaryOp::abs, "abs", x);
}
Tensor exp(const Tensor& x) {
  return unary_op(UnaryOp::exp, "exp", x);
}
Tensor log(const Tensor& x) {
  return unary_op(UnaryOp::log, "log", x);
}
Tensor log1p(const Tensor& x) {
  return unary_op(UnaryOp::log1p, "log1p", x);
}
Tensor sqrt(const Tensor& x) {
  return unary_op(UnaryOp::sqrt, "sqrt", x);
}
Tensor rsqrt(const Tensor& x) {
  return unary_op(UnaryOp::rsqrt, "rsqrt", x);
}
Tensor square(const Tensor& x) {
  return unary_op(UnaryOp::square, "square", x);
}
Tensor tanh(const Tensor& x) {
  return unary_op(UnaryOp::tanh, "tanh", x);
}
Tensor atan(const Tensor& x) {
  return unary_op(UnaryOp::atan, "atan", x);
}
Tensor sigmoid(const Tensor& x) {
  return unary_op(UnaryOp::sigmoid, "sigmoid", x);
}
Tensor relu(const Tensor& x) {
  return unary_op(UnaryOp::relu, "relu", x);
}
Tensor gelu(const Tensor& x) {
  return unary_op(UnaryOp::gelu, "gelu", x);
}

namespace {

// The scalar-parameter ops (tensor/elementwise_math.h): y = op(x; p0, p1).
Tensor scalar_op(ScalarOp op, const char* name, const Tensor& x, double p0, double p1) {
  Tensor y = kernels::scalar_op(op, x, p0, p1);
  if (!needs_grad({x})) return y;
  return record(y, name, {x}, [op, xd = detach(x), p0, p1](const Tensor& g) {
    return std::vector<Tensor>{kernels::scalar_op_backward(op, xd, g, p0, p1)};
  });
}

// y = op(a, b) with broadcasting; each input's gradient comes from kernels::binary_backward
// (the derivatives sit next to the forward formulas in tensor/elementwise_math.h) and is summed
// down to that input's shape.
Tensor binary_op(BinaryOp op, const char* name, const Tensor& a, const Tensor& b) {
  Tensor y = kernels::binary(op, a, b);
  if (!needs_grad({a, b})) return y;
  const bool need_a = a.requires_grad(), need_b = b.requires_grad();
  return record(
      y, name, {a, b}, [op, ad = detach(a), bd = detach(b), need_a, need_b](const Tensor& g) {
        using kernels::binary_backward;
        return std::vector<Tensor>{need_a ? binary_backward(op, Operand::a, ad, bd, g) : Tensor(),
                                   need_b ? binary_backward(op, Operand::b, ad, bd, g) : Tensor()};
      });
}

}  // namespace

Tensor softplus(const Tensor& x, double beta, double threshold) {
  UFLOW_CHECK(beta > 0, "softplus: beta must be positive, got ", beta);
  return scalar_op(ScalarOp::softplus, "softplus", x, beta, threshold);
}
Tensor pow(const Tensor& x, double p) {
  return scalar_op(ScalarOp::pow, "pow", x, p, 0.0);
}
Tensor clamp(const Tensor& x, double lo, double hi) {
  UFLOW_CHECK(lo <= hi, "clamp: lower bound ", lo, " above upper bound ", hi);
  return scalar_op(ScalarOp::clamp, "clamp", x, lo, hi);
}
Tensor affine(const Tensor& x, double mul, double add) {
  return scalar_op(ScalarOp::affine, "affine", x, mul, add);
}

Tensor add(const Tensor& a, const Tensor& b) {
  return binary_op(BinaryOp::add, "add", a, b);
}
Tensor sub(const Tensor& a, const Tensor& b) {
  return binary_op(BinaryOp::sub, "sub", a, b);
}
Tensor mul(const Tensor& a, const Tensor& b) {
  return binary_op(BinaryOp::mul, "mul", a, b);
}
Tensor div(const Tensor& a, const Tensor& b) {
  return binary_op(BinaryOp::div, "div", a, b);
}
Tensor maximum(const Tensor& a, const Tensor& b) {
  return binary_op(BinaryOp::maximum, "maximum", a, b);
}
Tensor minimum(const Tensor& a, const Tensor& b) {
  return binary_op(BinaryOp::minimum, "minimum", a, b);
}

Tensor where(const Tensor& cond, const Tensor& a, const Tensor& b) {
  Tensor y = kernels::where(cond, a, b);
  if (!needs_grad({a, b})) return y;
  return record(y, "where", {a, b},
                [cd = detach(cond), sa = a.shape(), sb = b.shape()](const Tensor& g) {
                  // The gradient flows to the input each element was taken from.
                  const Tensor zero = kernels::zeros({}, g.dtype(), g.device());
                  return std::vector<Tensor>{kernels::sum_to(kernels::where(cd, g, zero), sa),
                                             kernels::sum_to(kernels::where(cd, zero, g), sb)};
                });
}

Tensor eq(const Tensor& a, const Tensor& b) {
  return comparison(BinaryOp::eq, a, b);
}
Tensor ne(const Tensor& a, const Tensor& b) {
  return comparison(BinaryOp::ne, a, b);
}
Tensor lt(const Tensor& a, const Tensor& b) {
  return comparison(BinaryOp::lt, a, b);
}
Tensor le(const Tensor& a, const Tensor& b) {
  return comparison(BinaryOp::le, a, b);
}
Tensor gt(const Tensor& a, const Tensor& b) {
  return comparison(BinaryOp::gt, a, b);
}
Tensor ge(const Tensor& a, const Tensor& b) {
  return comparison(BinaryOp::ge, a, b);
}

Tensor operator+(const Tensor& a, const Tensor& b) {
  return add(a, b);
}
Tensor operator-(const Tensor& a, const Tensor& b) {
  return sub(a, b);
}
Tensor operator*(const Tensor& a, const Tensor& b) {
  return mul(a, b);
}
Tensor operator/(const Tensor& a, const Tensor& b) {
  return div(a, b);
}
Tensor operator-(const Tensor& a) {
  return neg(a);
}
Tensor operator+(const Tensor& a, double b) {
  return affine(a, 1.0, b);
}
Tensor operator-(const Tensor& a, double b) {
  return affine(a, 1.0, -b);
}
Tensor operator*(const Tensor& a, double b) {
  return affine(a, b, 0.0);
}
Tensor operator/(const Tensor& a, double b) {
  return affine(a, 1.0 / b, 0.0);
}
Tensor operator*(double a, const Tensor& b) {
  return affine(b, a, 0.0);
}

}  // namespace uflow
