#include "layers/talking_head_attn.h"

#include <cmath>

#include "tensor/profiler.h"

namespace uflow {

TalkingHeadAttn::TalkingHeadAttn(int64_t dim, int64_t heads, Generator& gen) : heads_(heads) {
  UFLOW_CHECK(dim % heads == 0, "TalkingHeadAttn: dim ", dim, " not divisible by ", heads,
              " heads");
  qkv_ = register_module("qkv", std::make_shared<Linear>(dim, 3 * dim, true, gen));
  proj_l_ = register_module("proj_l", std::make_shared<Linear>(heads, heads, true, gen));
  proj_w_ = register_module("proj_w", std::make_shared<Linear>(heads, heads, true, gen));
  proj_ = register_module("proj", std::make_shared<Linear>(dim, dim, true, gen));
}

Tensor mix_heads(const Linear& mix, const Tensor& scores) {
  profile::Region region("talking-heads");
  // (B, H, N, N) -> (B, N, N, H) so the head index is the Linear's feature dim.
  return permute(mix.forward(permute(scores, {0, 2, 3, 1})), {0, 3, 1, 2});
}

Tensor TalkingHeadAttn::forward(const Tensor& x) const {
  const int64_t B = x.size(0), N = x.size(1), D = x.size(2), H = heads_, hd = D / H;
  const double scale = 1.0 / std::sqrt(static_cast<double>(hd));
  // Inference (the frozen extractor): the fused kernel, which never materialises the (B, H, N,
  // N) logits; with gradients, the composite path below that autograd differentiates.
  if (!needs_grad({x, qkv_->weight(), qkv_->bias(), proj_l_->weight(), proj_l_->bias(),
                   proj_w_->weight(), proj_w_->bias()})) {
    const Tensor qkv = qkv_->forward(x);
    return proj_->forward(kernels::talking_heads_attention(
        qkv, H, scale, proj_l_->weight(), proj_l_->bias(), proj_w_->weight(), proj_w_->bias()));
  }
  // Feature index of qkv is s·D + h·hd + d (s = q, k, v).
  Tensor qkv = permute(reshape(qkv_->forward(x), {B, N, 3, H, hd}), {2, 0, 3, 1, 4});
  Tensor q = reshape(squeeze(narrow(qkv, 0, 0, 1), 0), {B * H, N, hd}) * scale;
  Tensor k = reshape(squeeze(narrow(qkv, 0, 1, 1), 0), {B * H, N, hd});
  Tensor v = reshape(squeeze(narrow(qkv, 0, 2, 1), 0), {B * H, N, hd});
  Tensor logits;
  {
    profile::Region region("attention");
    logits = reshape(matmul(q, k, false, true), {B, H, N, N});
  }
  Tensor probs = mix_heads(*proj_l_, logits);
  {
    profile::Region region("attention");
    probs = softmax(probs, -1);
  }
  probs = reshape(mix_heads(*proj_w_, probs), {B * H, N, N});
  Tensor out;
  {
    profile::Region region("attention");
    out = transpose(reshape(matmul(probs, v), {B, H, N, hd}), 1, 2);
  }
  return proj_->forward(reshape(out, {B, N, D}));
}

}  // namespace uflow
