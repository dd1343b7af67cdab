#include "flow/loss.h"

namespace uflow {

const char* to_string(LossVariant variant) {
  return variant == LossVariant::legacy ? "legacy" : "current";
}

Tensor nll_loss(const std::vector<Tensor>& z, const Tensor& log_det, LossVariant variant) {
  UFLOW_CHECK(!z.empty(), "nll_loss: no latents");
  Tensor quad;  // (B,) per-sample 0.5·Σ z²
  for (const Tensor& zs : z) {
    Tensor q = sum(square(zs), {1, 2, 3}) * 0.5;
    quad = quad.defined() ? quad + q : q;
  }
  if (variant == LossVariant::legacy) return sum(quad) - mean(log_det);
  return mean(quad - log_det);
}

}  // namespace uflow
