// softmax and log_softmax over any dim, and their backward passes. The input is made
// contiguous and seen as (outer, n, inner) with n the normalised dim.
#include "tensor/backend.h"
#include "tensor/op_checks.h"
#include "tensor/ops.h"
#include "tensor/profiler.h"

namespace uflow::kernels {
namespace {

struct Split3 {
  int64_t outer = 1, n = 1, inner = 1;
};

Split3 split_at(const Shape& shape, int64_t dim) {
  Split3 s;
  for (int64_t d = 0; d < static_cast<int64_t>(shape.size()); ++d) {
    if (d < dim)
      s.outer *= shape[d];
    else if (d == dim)
      s.n = shape[d];
    else
      s.inner *= shape[d];
  }
  return s;
}

Tensor softmax_impl(const Tensor& x_in, int64_t dim, bool log) {
  profile::Scope scope(profile::Kind::softmax);
  // A 0-d tensor is a single element along an implicit dim, as in PyTorch.
  dim = x_in.dim() == 0 ? 0 : normalize_dim(dim, x_in.dim());
  const Tensor x = contiguous(x_in);
  Tensor y = Tensor::empty(x.shape(), x.dtype(), x.device());
  if (y.numel() == 0) return y;
  const Split3 s = split_at(x.shape(), dim);
  backend_of(x).softmax(y, x, s.outer, s.n, s.inner, log);
  return y;
}

Tensor softmax_backward_impl(const Tensor& y_in, const Tensor& g_in, int64_t dim, bool log) {
  profile::Scope scope(profile::Kind::softmax);
  check_same_kind(log ? "log_softmax_backward" : "softmax_backward", {&y_in, &g_in});
  UFLOW_CHECK(y_in.shape() == g_in.shape(), "softmax backward: gradient ", shape_str(g_in.shape()),
              " differs from output ", shape_str(y_in.shape()));
  dim = y_in.dim() == 0 ? 0 : normalize_dim(dim, y_in.dim());
  const Tensor y = contiguous(y_in), g = contiguous(g_in);
  Tensor dx = Tensor::empty(y.shape(), y.dtype(), y.device());
  if (dx.numel() == 0) return dx;
  const Split3 s = split_at(y.shape(), dim);
  backend_of(y).softmax_backward(dx, y, g, s.outer, s.n, s.inner, log);
  return dx;
}

}  // namespace

Tensor softmax(const Tensor& x, int64_t dim) {
  return softmax_impl(x, dim, false);
}
Tensor log_softmax(const Tensor& x, int64_t dim) {
  return softmax_impl(x, dim, true);
}
Tensor softmax_backward(const Tensor& y, const Tensor& grad, int64_t dim) {
  return softmax_backward_impl(y, grad, dim, false);
}
Tensor log_softmax_backward(const Tensor& y, const Tensor& grad, int64_t dim) {
  return softmax_backward_impl(y, grad, dim, true);
}

}  // namespace uflow::kernels
