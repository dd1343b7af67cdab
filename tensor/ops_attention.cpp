// Fused talking-heads attention for inference: argument checks, then the backend's kernel
// (tensor/cpu/talking_heads_attention.cpp, tensor/cuda/talking_heads_attention.cu).
#include "tensor/backend.h"
#include "tensor/op_checks.h"
#include "tensor/ops.h"
#include "tensor/profiler.h"

namespace uflow::kernels {

Tensor talking_heads_attention(const Tensor& qkv_in, int64_t heads, double scale, const Tensor& w_l,
                               const Tensor& b_l, const Tensor& w_w, const Tensor& b_w) {
  profile::Scope scope(profile::Kind::attention);
  check_defined("talking_heads_attention", qkv_in);
  check_same_kind("talking_heads_attention", {&qkv_in, &w_l, &b_l, &w_w, &b_w});
  UFLOW_CHECK(qkv_in.dim() == 3 && qkv_in.size(2) % 3 == 0, "talking_heads_attention: qkv must be ",
              "(B, N, 3·D), got ", shape_str(qkv_in.shape()));
  const int64_t B = qkv_in.size(0), N = qkv_in.size(1), D = qkv_in.size(2) / 3;
  UFLOW_CHECK(heads >= 1 && D % heads == 0, "talking_heads_attention: ", heads,
              " heads do not divide the width ", D);
  for (const Tensor* w : {&w_l, &w_w})
    UFLOW_CHECK(w->defined() && w->shape() == (Shape{heads, heads}),
                "talking_heads_attention: head-mixing weights must be (", heads, ", ", heads, ")");
  for (const Tensor* b : {&b_l, &b_w})
    UFLOW_CHECK(b->defined() && b->shape() == Shape{heads},
                "talking_heads_attention: head-mixing biases must be (", heads, ")");
  const Tensor qkv = contiguous(qkv_in);
  Tensor out = Tensor::empty({B, N, D}, qkv.dtype(), qkv.device());
  if (out.numel() == 0) return out;
  backend_of(qkv).talking_heads_attention(out, qkv, heads, scale, contiguous(w_l), contiguous(b_l),
                                          contiguous(w_w), contiguous(b_w));
  return out;
}

}  // namespace uflow::kernels
