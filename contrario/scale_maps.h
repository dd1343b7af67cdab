// The per-scale log10 P maps of both NFA variants, before upsampling, for a batch of latents
// (B, C, H, W) on either device: (B, 1, H, W) f32 on the same device.
#pragma once
#include <cstdint>

#include "tensor/tensor.h"

namespace uflow::contrario {

// Tree NFA, docs/nfa.md §2 steps 1-5 (tree_log_prob.h); guard as in TreeNfaOptions.
Tensor tree_log_prob_maps(const Tensor& z, bool guard);

// Block NFA at one scale, docs/nfa.md §3 (block_log_prob.h): window half-width and probability p.
Tensor block_log_prob_maps(const Tensor& z, int64_t half_width, double prob);

}  // namespace uflow::contrario
