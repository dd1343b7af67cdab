// Fused layer_norm over the trailing `normalized_dims` dims, saving mean and rstd per row for
// the backward pass.
#include "tensor/backend.h"
#include "tensor/op_checks.h"
#include "tensor/ops.h"
#include "tensor/profiler.h"

namespace uflow::kernels {
namespace {

// (rows, cols) of x normalised over its last `nd` dims; checks weight/bias shapes.
std::pair<int64_t, int64_t> layer_norm_split(const Tensor& x, int64_t nd, const Tensor& weight,
                                             const Tensor& bias) {
  UFLOW_CHECK(nd >= 1 && nd <= x.dim(), "layer_norm: cannot normalise the last ", nd, " dims of ",
              shape_str(x.shape()));
  const Shape trailing(x.shape().end() - nd, x.shape().end());
  for (const Tensor* p : {&weight, &bias})
    if (p->defined())
      UFLOW_CHECK(p->shape() == trailing, "layer_norm: weight and bias must have shape ",
                  shape_str(trailing), ", got ", shape_str(p->shape()));
  const int64_t cols = shape_numel(trailing);
  return {cols == 0 ? 0 : x.numel() / cols, cols};
}

Shape row_shape(const Tensor& x, int64_t nd) {
  return Shape(x.shape().begin(), x.shape().end() - nd);
}

}  // namespace

LayerNormOut layer_norm(const Tensor& x_in, int64_t normalized_dims, const Tensor& weight_in,
                        const Tensor& bias_in, double eps) {
  profile::Scope scope(profile::Kind::layer_norm);
  check_same_kind("layer_norm", {&x_in, &weight_in, &bias_in});
  const auto [rows, cols] = layer_norm_split(x_in, normalized_dims, weight_in, bias_in);
  const Tensor x = contiguous(x_in);
  const Tensor weight = weight_in.defined() ? contiguous(weight_in) : weight_in;
  const Tensor bias = bias_in.defined() ? contiguous(bias_in) : bias_in;
  LayerNormOut out;
  out.y = Tensor::empty(x.shape(), x.dtype(), x.device());
  out.mean = Tensor::empty(row_shape(x, normalized_dims), x.dtype(), x.device());
  out.rstd = Tensor::empty(row_shape(x, normalized_dims), x.dtype(), x.device());
  if (rows == 0 || cols == 0) return out;
  backend_of(x).layer_norm(out.y, out.mean, out.rstd, x, weight, bias, rows, cols, eps);
  return out;
}

LayerNormGrads layer_norm_backward(const Tensor& grad_in, const Tensor& x_in, const Tensor& mean_in,
                                   const Tensor& rstd_in, const Tensor& weight_in,
                                   int64_t normalized_dims, bool need_weight_grads) {
  profile::Scope scope(profile::Kind::layer_norm);
  check_same_kind("layer_norm_backward", {&grad_in, &x_in, &mean_in, &rstd_in, &weight_in});
  UFLOW_CHECK(grad_in.shape() == x_in.shape(), "layer_norm_backward: gradient ",
              shape_str(grad_in.shape()), " differs from input ", shape_str(x_in.shape()));
  const auto [rows, cols] = layer_norm_split(x_in, normalized_dims, weight_in, Tensor());
  UFLOW_CHECK(mean_in.numel() == rows && rstd_in.numel() == rows,
              "layer_norm_backward: mean and rstd need ", rows, " entries");
  const Tensor g = contiguous(grad_in), x = contiguous(x_in);
  const Tensor mean = contiguous(mean_in), rstd = contiguous(rstd_in);
  const Tensor weight = weight_in.defined() ? contiguous(weight_in) : weight_in;
  const Shape trailing(x.shape().end() - normalized_dims, x.shape().end());
  LayerNormGrads out;
  out.dx = Tensor::empty(x.shape(), x.dtype(), x.device());
  if (need_weight_grads) {
    out.dweight = Tensor::empty(trailing, x.dtype(), x.device());
    out.dbias = Tensor::empty(trailing, x.dtype(), x.device());
  }
  if (cols == 0) return out;
  if (rows == 0) {
    if (need_weight_grads) {
      fill_(out.dweight, 0.0);
      fill_(out.dbias, 0.0);
    }
    return out;
  }
  backend_of(x).layer_norm_backward(out.dx, out.dweight, out.dbias, g, x, mean, rstd, weight, rows,
                                    cols);
  return out;
}

}  // namespace uflow::kernels
