// The latent values the NFA computes with. Under the flow's model latents are standard normal;
// the NFA squares them (in float64) and turns tail probabilities into float32 log10 P maps,
// which overflow to −inf once |z| passes about 1e18, and interpolating −inf next to finite
// values gives NaN maps. NaN or ±Inf latents give NaN maps directly. Both would be written as
// "no detection" without a word, so such latents are refused; |z| ≤ kMaxLatent keeps every map
// finite with a wide margin (a pixel at 1e15 is already detected at any threshold).
#pragma once
#include <string>

#include "tensor/tensor.h"

namespace uflow::contrario {

inline constexpr double kMaxLatent = 1e15;

// "" when every value of z is finite with |z| <= kMaxLatent; otherwise what is wrong, e.g.
// "holds NaN or ±Inf values" or "holds values up to 1e+30 in magnitude (the NFA accepts |z| <=
// 1e+15)". Two reductions on z's device and one read back.
std::string latent_range_problem(const Tensor& z);

}  // namespace uflow::contrario
