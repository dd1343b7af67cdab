// U-Flow's training loss: the negative log-likelihood of the latents under N(0, I) up to the
// constant, minus the log-determinant. No division by the dimension and no log 2π
// (docs/u-flow.md §5).
#pragma once
#include <vector>

#include "autograd/ops.h"

namespace uflow {

enum class LossVariant {
  current,  // mean over the batch of [Σ_s 0.5·Σ z² − log_det]
  legacy,   // older reference: Σ over batch and scales of 0.5·Σ z², minus the mean log_det
};
// The spelling of the command line and of checkpoints: "current" or "legacy".
const char* to_string(LossVariant variant);

Tensor nll_loss(const std::vector<Tensor>& z, const Tensor& log_det,
                LossVariant variant = LossVariant::current);

}  // namespace uflow
