// What both NFA variants share: the result, the combination of the upsampled per-scale maps and
// the detection mask. Latents are a list of (B, C_s, H_s, W_s) tensors, finest scale first.
#pragma once
#include <vector>

#include "tensor/tensor.h"

namespace uflow::contrario {

struct NfaResult {
  Tensor score;            // (B, 1, T, T) f32: −log10 NFA, detection where > epsilon
  Tensor mask;             // (B, 1, T, T) f32: 1 where score > epsilon, else 0
  double log10_tests = 0;  // log10 of the number of tests included in score
};

enum class ScaleCombine { min, sum };

// score = −(combine over s of maps[s] + log10_tests), maps (B, 1, T, T) f32 on one device.
Tensor combine_scales(const std::vector<Tensor>& maps, ScaleCombine how, double log10_tests);

// 1 where score > epsilon (NFA < 10^−epsilon), 0 elsewhere and at NaN.
Tensor nfa_mask(const Tensor& score, double epsilon);

// Validates a latent list (non-empty, 4-d, one batch size, one device, values in the range of
// contrario/latent_range.h) and returns each scale as a contiguous f32 tensor.
std::vector<Tensor> prepare_latents(const std::vector<Tensor>& z, const char* caller);

}  // namespace uflow::contrario
