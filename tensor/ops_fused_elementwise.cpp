// The fused row-broadcast element-wise ops: argument checks, then the backend's row loop
// (tensor/elementwise_backend.h) with the formulas of tensor/elementwise_math.h.
#include "tensor/backend.h"
#include "tensor/op_checks.h"
#include "tensor/ops.h"
#include "tensor/profiler.h"

namespace uflow::kernels {
namespace {

// Checks that the matrices `m` (at least 1-d) share one shape and that `v` is the per-column
// vector of their last dim, makes every operand contiguous (views are read through a copy) and
// runs `kernel(backend, out, m, v, rows, cols)` into a fresh output shaped like the matrices.
template <typename Kernel>
Tensor run_rows(const char* op, std::vector<Tensor> m, Tensor v, const char* v_name,
                const Kernel& kernel) {
  const Tensor& first = m.front();
  check_defined(op, v);
  for (const Tensor& t : m) {
    check_defined(op, t);
    check_same_kind(op, {&first, &t});
    UFLOW_CHECK(t.shape() == first.shape(), op, ": operands ", shape_str(first.shape()), " and ",
                shape_str(t.shape()), " differ");
  }
  check_same_kind(op, {&first, &v});
  UFLOW_CHECK(first.dim() >= 1, op, ": operands need at least 1 dim");
  const int64_t cols = first.size(-1);
  UFLOW_CHECK(v.shape() == Shape{cols}, op, ": ", v_name, " must be ", shape_str(Shape{cols}),
              " for operands ", shape_str(first.shape()), ", got ", shape_str(v.shape()));
  for (Tensor& t : m) t = contiguous(t);
  v = contiguous(v);
  Tensor out = Tensor::empty(first.shape(), first.dtype(), first.device());
  if (out.numel() > 0) kernel(backend_of(out), out, m, v, out.numel() / cols, cols);
  return out;
}

using Mats = std::vector<Tensor>;

}  // namespace

Tensor bias_gelu(const Tensor& u, const Tensor& b) {
  profile::Scope scope(profile::Kind::gelu);
  return run_rows("bias_gelu", {u}, b, "bias",
                  [](const Backend& be, const Tensor& out, const Mats& m, const Tensor& v,
                     int64_t rows, int64_t cols) { be.bias_gelu(out, m[0], v, rows, cols); });
}

Tensor bias_gelu_backward(const Tensor& u, const Tensor& b, const Tensor& grad) {
  profile::Scope scope(profile::Kind::gelu);
  return run_rows(
      "bias_gelu_backward", {u, grad}, b, "bias",
      [](const Backend& be, const Tensor& out, const Mats& m, const Tensor& v, int64_t rows,
         int64_t cols) { be.bias_gelu_backward(out, m[0], v, m[1], rows, cols); });
}

Tensor scaled_residual(const Tensor& x, const Tensor& gamma, const Tensor& y) {
  profile::Scope scope(profile::Kind::elementwise);
  return run_rows(
      "scaled_residual", {x, y}, gamma, "gamma",
      [](const Backend& be, const Tensor& out, const Mats& m, const Tensor& v, int64_t rows,
         int64_t cols) { be.scaled_residual(out, m[0], v, m[1], rows, cols); });
}

}  // namespace uflow::kernels
