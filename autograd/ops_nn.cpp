// Differentiable matmul, linear, conv2d, softmax, log_softmax and layer_norm. Each records one
// node whose backward calls the raw kernels directly, reusing what the forward saved
// (the softmax output; layer_norm's mean and rstd).
#include "autograd/ops.h"

namespace uflow {
namespace {

// The gradient of an operand that was broadcast over batch dims, summed back to its shape.
Tensor reduce_to(const Tensor& grad, const Shape& shape) {
  return grad.shape() == shape ? grad : kernels::sum_to(grad, shape);
}

Shape with_last(Shape s, int64_t last) {
  s.back() = last;
  return s;
}

}  // namespace

Tensor matmul(const Tensor& a, const Tensor& b, bool trans_a, bool trans_b) {
  Tensor c = kernels::matmul(a, b, trans_a, trans_b);
  const bool need_a = a.requires_grad(), need_b = b.requires_grad();
  return record(c, "matmul", {a, b},
                [a = detach(a), b = detach(b), trans_a, trans_b, need_a,
                 need_b](const Tensor& g) -> std::vector<Tensor> {
                  // C = A'·B' with A' = op(A), B' = op(B): dA' = g·B'ᵀ, dB' = A'ᵀ·g.
                  Tensor da, db;
                  if (need_a) {
                    da = trans_a ? kernels::matmul(b, g, trans_b, true)
                                 : kernels::matmul(g, b, false, !trans_b);
                    da = reduce_to(da, a.shape());
                  }
                  if (need_b) {
                    if (b.dim() == 2 && a.dim() > 2) {
                      // A shared matrix against a batch: one GEMM over all stacked rows.
                      const int64_t k = b.size(trans_b ? 1 : 0);
                      const Tensor a2 =
                          kernels::reshape(trans_a ? kernels::transpose(a, -2, -1) : a, {-1, k});
                      const Tensor g2 = kernels::reshape(g, {-1, g.size(-1)});
                      db = trans_b ? kernels::matmul(g2, a2, true, false)
                                   : kernels::matmul(a2, g2, true, false);
                    } else {
                      db = trans_b ? kernels::matmul(g, a, true, trans_a)
                                   : kernels::matmul(a, g, !trans_a, false);
                      db = reduce_to(db, b.shape());
                    }
                  }
                  return {da, db};
                });
}

Tensor linear(const Tensor& x, const Tensor& w, const Tensor& b) {
  UFLOW_CHECK(w.dim() == 2, "linear: weight must be (out, in), got ", shape_str(w.shape()));
  UFLOW_CHECK(x.dim() >= 1 && x.size(-1) == w.size(1), "linear: input ", shape_str(x.shape()),
              " does not end in the weight's ", w.size(1), " input features");
  const int64_t in = w.size(1), out = w.size(0);
  if (b.defined())
    UFLOW_CHECK(b.shape() == Shape{out}, "linear: bias must be (", out, "), got ",
                shape_str(b.shape()));
  const Tensor x2 = kernels::reshape(x, {-1, in});
  const Tensor y2 = b.defined() ? kernels::matmul_bias(x2, w, b, false, true)
                                : kernels::matmul(x2, w, false, true);
  Tensor y = kernels::reshape(y2, with_last(x.shape(), out));
  const bool need_x = x.requires_grad(), need_w = w.requires_grad();
  const bool need_b = b.defined() && b.requires_grad();
  return record(y, "linear", {x, w, b},
                [x2 = detach(x2), w = detach(w), x_shape = x.shape(), out, need_x, need_w,
                 need_b](const Tensor& g) -> std::vector<Tensor> {
                  const Tensor g2 = kernels::reshape(g, {-1, out});
                  Tensor dx, dw, db;
                  if (need_x) dx = kernels::reshape(kernels::matmul(g2, w), x_shape);
                  if (need_w) dw = kernels::matmul(g2, x2, true, false);
                  if (need_b) db = kernels::reduce(ReduceOp::sum, g2, {0});
                  return {dx, dw, db};
                });
}

Tensor conv2d(const Tensor& x, const Tensor& w, const Tensor& bias, const Conv2dOptions& opt) {
  Tensor y = kernels::conv2d(x, w, bias, opt);
  const bool need_x = x.requires_grad(), need_w = w.requires_grad();
  const bool need_b = bias.defined() && bias.requires_grad();
  return record(y, "conv2d", {x, w, bias},
                [x = detach(x), w = detach(w), opt, need_x, need_w,
                 need_b](const Tensor& g) -> std::vector<Tensor> {
                  Tensor dx, dw, db;
                  if (need_x) dx = kernels::conv2d_backward_input(g, w, x.shape(), opt);
                  if (need_w) dw = kernels::conv2d_backward_weight(g, x, w.shape(), opt);
                  if (need_b) db = kernels::reduce(ReduceOp::sum, g, {0, 2, 3});
                  return {dx, dw, db};
                });
}

Tensor softmax(const Tensor& x, int64_t dim) {
  Tensor y = kernels::softmax(x, dim);
  return record(y, "softmax", {x}, [y = detach(y), dim](const Tensor& g) -> std::vector<Tensor> {
    return {kernels::softmax_backward(y, g, dim)};
  });
}

Tensor log_softmax(const Tensor& x, int64_t dim) {
  Tensor y = kernels::log_softmax(x, dim);
  return record(y, "log_softmax", {x},
                [y = detach(y), dim](const Tensor& g) -> std::vector<Tensor> {
                  return {kernels::log_softmax_backward(y, g, dim)};
                });
}

Tensor layer_norm(const Tensor& x, int64_t normalized_dims, const Tensor& weight,
                  const Tensor& bias, double eps) {
  LayerNormOut r = kernels::layer_norm(x, normalized_dims, weight, bias, eps);
  const bool need_x = x.requires_grad();
  const bool need_w = weight.defined() && weight.requires_grad();
  const bool need_b = bias.defined() && bias.requires_grad();
  return record(r.y, "layer_norm", {x, weight, bias},
                [x = detach(x), weight = detach(weight), mean = r.mean, rstd = r.rstd,
                 normalized_dims, need_x, need_w, need_b](const Tensor& g) -> std::vector<Tensor> {
                  LayerNormGrads d = kernels::layer_norm_backward(
                      g, x, mean, rstd, weight, normalized_dims, need_w || need_b);
                  return {need_x ? d.dx : Tensor(), need_w ? d.dweight : Tensor(),
                          need_b ? d.dbias : Tensor()};
                });
}

}  // namespace uflow
