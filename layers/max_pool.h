// 2-d max pooling with symmetric padding, as torch.nn.MaxPool2d (padding never wins: it acts
// as −inf). Composed of strided views and elementwise maxima, so it runs and differentiates
// wherever those do (CPU and CUDA); the gradient of each output goes to the maximum of its
// window (at exact ties it may pick another of the tied elements than PyTorch does).
#pragma once
#include "autograd/ops.h"

namespace uflow {

// x: (B, C, H, W); output (B, C, (H + 2p − k) / s + 1, (W + 2p − k) / s + 1).
Tensor max_pool2d(const Tensor& x, int64_t kernel, int64_t stride, int64_t padding);

}  // namespace uflow
