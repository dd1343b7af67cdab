// Initialisers used by the layers. PyTorch's defaults are reproduced in distribution (not in
// bits: the numbers come from uflow's own seeded Generator).
#pragma once
#include "tensor/generator.h"

namespace uflow::init {

// PyTorch's default for Linear/Conv weights and biases: U(-1/sqrt(fan_in), 1/sqrt(fan_in)).
Tensor fan_in_uniform(Generator& gen, const Shape& shape, int64_t fan_in);
// timm's trunc_normal_(std, a=-2, b=2): a normal truncated at the absolute bounds ±2.
Tensor trunc_normal(Generator& gen, const Shape& shape, double std);

}  // namespace uflow::init
