// Differentiable fused row-broadcast ops: one tape node each instead of the two of the unfused
// composition. With v the per-column vector and sum_rows the sum over every leading dim:
//   bias_gelu:        y = gelu(u + b);   du = gelu'(u + b) · g,  db = sum_rows(du).
//   scaled_residual:  z = x + gamma ⊙ y; dx = g,  dy = gamma ⊙ g,  dgamma = sum_rows(g ⊙ y).
#include "autograd/ops.h"

namespace uflow {
namespace {

// Sums a gradient of the operands' shape over every leading dim, down to the (cols) vector.
Tensor sum_rows(const Tensor& g) {
  return kernels::reduce(ReduceOp::sum, kernels::reshape(g, {-1, g.size(-1)}), {0});
}

}  // namespace

Tensor bias_gelu(const Tensor& u, const Tensor& b) {
  Tensor y = kernels::bias_gelu(u, b);
  if (!needs_grad({u, b})) return y;
  const bool need_b = b.requires_grad();
  return record(y, "bias_gelu", {u, b}, [ud = detach(u), bd = detach(b), need_b](const Tensor& g) {
    Tensor du = kernels::bias_gelu_backward(ud, bd, g);
    Tensor db = need_b ? sum_rows(du) : Tensor();
    return std::vector<Tensor>{du, db};
  });
}

Tensor scaled_residual(const Tensor& x, const Tensor& gamma, const Tensor& y) {
  Tensor z = kernels::scaled_residual(x, gamma, y);
  if (!needs_grad({x, gamma, y})) return z;
  const bool need_gamma = gamma.requires_grad(), need_y = y.requires_grad();
  return record(z, "scaled_residual", {x, gamma, y},
                [gd = detach(gamma), yd = detach(y), need_gamma, need_y](const Tensor& g) {
                  Tensor dgamma =
                      need_gamma ? sum_rows(kernels::binary(BinaryOp::mul, g, yd)) : Tensor();
                  Tensor dy = need_y ? kernels::binary(BinaryOp::mul, g, gd) : Tensor();
                  return std::vector<Tensor>{g, dgamma, dy};
                });
}

}  // namespace uflow
