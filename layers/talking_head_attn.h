// Talking-heads attention (CaiT): the attention logits are mixed across heads before the
// softmax (proj_l) and the probabilities again after it (proj_w, no renormalisation). Because
// of the mixing, the N×N logits of every head are materialised; a fused flash-style kernel
// cannot be used.
#pragma once
#include "layers/linear.h"

namespace uflow {

class TalkingHeadAttn : public Module {
 public:
  TalkingHeadAttn(int64_t dim, int64_t heads, Generator& gen);
  Tensor forward(const Tensor& x) const;  // x (B, N, D)
  int64_t heads() const { return heads_; }

 private:
  std::shared_ptr<Linear> qkv_, proj_l_, proj_w_, proj_;
  int64_t heads_;
};

// Applies a head-mixing Linear (H -> H) to (B, H, N, N) scores.
Tensor mix_heads(const Linear& mix, const Tensor& scores);

}  // namespace uflow
