// Differentiable element-wise ops. Backward functions capture detached tensors (never the
// output itself, which would make a reference cycle through its grad_fn) and reduce
// broadcast gradients back to each input's shape with kernels::sum_to.
#include "autograd/ops.h"

namespace uflow {
namespace {

using kernels::sum_to;

Tensor kmul(const Tensor& a, const Tensor& b) {
  return kernels::binary(BinaryOp::mul, a, b);
}

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

Tensor softplus(const Tensor& x, double beta, double threshold) {
  Tensor y = kernels::softplus(x, beta, threshold);
  if (!needs_grad({x})) return y;
  return record(y, "softplus", {x}, [xd = detach(x), beta, threshold](const Tensor& g) {
    return std::vector<Tensor>{kernels::softplus_backward(xd, g, beta, threshold)};
  });
}

Tensor pow(const Tensor& x, double p) {
  Tensor y = kernels::pow_scalar(x, p);
  if (!needs_grad({x})) return y;
  return record(y, "pow", {x}, [xd = detach(x), p](const Tensor& g) {
    // d/dx x^p = p·x^(p-1); p = 0 gives exactly 0 (not 0·x^-1, which is NaN at x = 0).
    if (p == 0.0) return std::vector<Tensor>{kernels::zeros(g.shape(), g.dtype(), g.device())};
    return std::vector<Tensor>{
        kmul(g, kernels::affine_scalar(kernels::pow_scalar(xd, p - 1.0), p, 0.0))};
  });
}

Tensor clamp(const Tensor& x, double lo, double hi) {
  Tensor y = kernels::clamp(x, lo, hi);
  if (!needs_grad({x})) return y;
  return record(y, "clamp", {x}, [xd = detach(x), yd = detach(y)](const Tensor& g) {
    // Inside [lo, hi] (bounds included) the output equals the input; NaN gets no gradient.
    return std::vector<Tensor>{kmul(g, kernels::binary(BinaryOp::eq, yd, xd))};
  });
}

Tensor affine(const Tensor& x, double mul, double add) {
  Tensor y = kernels::affine_scalar(x, mul, add);
  if (!needs_grad({x})) return y;
  return record(y, "affine", {x}, [mul](const Tensor& g) {
    return std::vector<Tensor>{kernels::affine_scalar(g, mul, 0.0)};
  });
}

Tensor add(const Tensor& a, const Tensor& b) {
  Tensor y = kernels::binary(BinaryOp::add, a, b);
  if (!needs_grad({a, b})) return y;
  return record(y, "add", {a, b}, [sa = a.shape(), sb = b.shape()](const Tensor& g) {
    return std::vector<Tensor>{sum_to(g, sa), sum_to(g, sb)};
  });
}

Tensor sub(const Tensor& a, const Tensor& b) {
  Tensor y = kernels::binary(BinaryOp::sub, a, b);
  if (!needs_grad({a, b})) return y;
  const bool need_b = b.requires_grad();
  return record(y, "sub", {a, b}, [sa = a.shape(), sb = b.shape(), need_b](const Tensor& g) {
    return std::vector<Tensor>{sum_to(g, sa),
                               need_b ? sum_to(kernels::unary(UnaryOp::neg, g), sb) : Tensor()};
  });
}

Tensor mul(const Tensor& a, const Tensor& b) {
  Tensor y = kernels::binary(BinaryOp::mul, a, b);
  if (!needs_grad({a, b})) return y;
  const bool need_a = a.requires_grad(), need_b = b.requires_grad();
  return record(y, "mul", {a, b},
                [ad = detach(a), bd = detach(b), need_a, need_b](const Tensor& g) {
                  return std::vector<Tensor>{need_a ? sum_to(kmul(g, bd), ad.shape()) : Tensor(),
                                             need_b ? sum_to(kmul(g, ad), bd.shape()) : Tensor()};
                });
}

Tensor div(const Tensor& a, const Tensor& b) {
  Tensor y = kernels::binary(BinaryOp::div, a, b);
  if (!needs_grad({a, b})) return y;
  const bool need_b = b.requires_grad();
  return record(
      y, "div", {a, b}, [sa = a.shape(), bd = detach(b), yd = detach(y), need_b](const Tensor& g) {
        // d(a/b)/da = 1/b; d(a/b)/db = -(a/b)/b = -y/b.
        const Tensor q = kernels::binary(BinaryOp::div, g, bd);
        return std::vector<Tensor>{
            sum_to(q, sa),
            need_b ? sum_to(kernels::unary(UnaryOp::neg, kmul(q, yd)), bd.shape()) : Tensor()};
      });
}

namespace {
// maximum/minimum: the gradient goes to the selected input, split in half on ties (PyTorch's
// rule). `wins` is gt for maximum and lt for minimum.
Tensor extremum(BinaryOp op, BinaryOp wins, const char* name, const Tensor& a, const Tensor& b) {
  Tensor y = kernels::binary(op, a, b);
  if (!needs_grad({a, b})) return y;
  return record(y, name, {a, b}, [ad = detach(a), bd = detach(b), wins](const Tensor& g) {
    const BinaryOp not_lose = wins == BinaryOp::gt ? BinaryOp::ge : BinaryOp::le;
    // (wins + not_lose) / 2 is 1 where a wins, 1/2 on a tie, 0 where b wins.
    const Tensor weight_a =
        kernels::affine_scalar(kernels::binary(BinaryOp::add, kernels::binary(wins, ad, bd),
                                               kernels::binary(not_lose, ad, bd)),
                               0.5, 0.0);
    const Tensor weight_b = kernels::affine_scalar(weight_a, -1.0, 1.0);
    return std::vector<Tensor>{sum_to(kmul(g, weight_a), ad.shape()),
                               sum_to(kmul(g, weight_b), bd.shape())};
  });
}
}  // namespace

Tensor maximum(const Tensor& a, const Tensor& b) {
  return extremum(BinaryOp::maximum, BinaryOp::gt, "maximum", a, b);
}
Tensor minimum(const Tensor& a, const Tensor& b) {
  return extremum(BinaryOp::minimum, BinaryOp::lt, "minimum", a, b);
}

Tensor where(const Tensor& cond, const Tensor& a, const Tensor& b) {
  Tensor y = kernels::where(cond, a, b);
  if (!needs_grad({a, b})) return y;
  return record(y, "where", {a, b},
                [cd = detach(cond), sa = a.shape(), sb = b.shape()](const Tensor& g) {
                  const Tensor zero = kernels::zeros({}, g.dtype(), g.device());
                  return std::vector<Tensor>{sum_to(kernels::where(cd, g, zero), sa),
                                             sum_to(kernels::where(cd, zero, g), sb)};
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
