// Example 2: a differentiable op of your own, with its backward checked by gradcheck.
//
// The op is the "scaled soft clamp" of newer FrEIA versions (docs/coupling.md §2):
//
//   y = c · tanh(x / c)            dy/dx = 1 − tanh²(x / c)
//
// Every op of the library follows the same two steps (docs/op-map.md):
//   1. a kernel that computes the forward values, knowing nothing about gradients;
//   2. a differentiable wrapper that runs the kernel and, when an input needs a gradient,
//      records a tape node whose backward function maps dL/dy to dL/dx.
// gradcheck then compares the backward function with central finite differences in float64.
// A wrong derivative is caught: the program also checks a deliberately broken variant.
//
//   custom_op            (prints both checks; exit status 0 when the right one passes and the
//                         broken one fails)
#include <cmath>
#include <cstdio>

#include "autograd/gradcheck.h"
#include "autograd/ops.h"
#include "tensor/generator.h"

using namespace uflow;

namespace {

// Step 1: the forward kernel, a plain loop over a contiguous CPU tensor (f32 or f64).
template <typename T>
void soft_clamp_loop(const T* x, T* y, int64_t n, double c) {
  for (int64_t i = 0; i < n; ++i) y[i] = static_cast<T>(c * std::tanh(x[i] / c));
}
// dL/dx = dL/dy · (1 − tanh²(x / c)); `broken` forgets the chain rule's 1/c · c (it uses
// 1 − tanh²(x) instead), the kind of slip gradcheck exists for.
template <typename T>
void soft_clamp_backward_loop(const T* x, const T* gy, T* gx, int64_t n, double c, bool broken) {
  for (int64_t i = 0; i < n; ++i) {
    const double th = std::tanh(broken ? x[i] : x[i] / c);
    gx[i] = static_cast<T>(gy[i] * (1.0 - th * th));
  }
}

Tensor soft_clamp_kernel(const Tensor& x_in, double c) {
  UFLOW_CHECK(!x_in.is_cuda(), "soft_clamp: this example has a CPU kernel only");
  const Tensor x = kernels::contiguous(x_in);
  Tensor y = Tensor::empty(x.shape(), x.dtype());
  if (x.dtype() == DType::f64)
    soft_clamp_loop(x.data<double>(), y.data<double>(), x.numel(), c);
  else
    soft_clamp_loop(x.data<float>(), y.data<float>(), x.numel(), c);
  return y;
}

Tensor soft_clamp_backward_kernel(const Tensor& x, const Tensor& grad_in, double c, bool broken) {
  const Tensor gy = kernels::contiguous(grad_in);
  Tensor gx = Tensor::empty(x.shape(), x.dtype());
  if (x.dtype() == DType::f64)
    soft_clamp_backward_loop(x.data<double>(), gy.data<double>(), gx.data<double>(), x.numel(), c,
                             broken);
  else
    soft_clamp_backward_loop(x.data<float>(), gy.data<float>(), gx.data<float>(), x.numel(), c,
                             broken);
  return gx;
}

// Step 2: the differentiable op. The backward closure keeps what it needs (here x, detached so
// the tape holds no cycle) and returns one gradient per input.
Tensor soft_clamp(const Tensor& x_in, double c, bool broken = false) {
  const Tensor x = kernels::contiguous(x_in);
  Tensor y = soft_clamp_kernel(x, c);
  if (!needs_grad({x})) return y;
  return record(y, "soft_clamp", {x}, [xd = detach(x), c, broken](const Tensor& grad) {
    return std::vector<Tensor>{soft_clamp_backward_kernel(xd, grad, c, broken)};
  });
}

}  // namespace

int main() {
  // gradcheck wants float64 CPU leaves that require gradients.
  Generator gen(7);
  const Tensor x = gen.normal({3, 5}, 0.0, 3.0, DType::f64).set_requires_grad();
  const double clamp = 2.0;

  // Use it like any other op: compose with library ops, backprop through everything.
  const Tensor loss = sum(square(soft_clamp(x, clamp)) * 0.5);
  backward(loss);
  std::printf("loss %.6f, dL/dx[0] %.6f\n", loss.item(), x.grad().to_vector()[0]);

  const auto right =
      gradcheck([&](const std::vector<Tensor>& in) { return soft_clamp(in[0] * 1.5, clamp); }, {x});
  std::printf("gradcheck, correct backward: %s (max |analytic - numeric| = %.2e)\n",
              right.ok ? "passed" : "FAILED", right.max_abs_error);

  const auto wrong =
      gradcheck([&](const std::vector<Tensor>& in) { return soft_clamp(in[0], clamp, true); }, {x});
  std::printf("gradcheck, broken backward:  %s (worst: %s)\n", wrong.ok ? "passed" : "failed",
              wrong.worst.c_str());

  return right.ok && !wrong.ok ? 0 : 1;
}
