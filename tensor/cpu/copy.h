// CPU copies: strided gather with broadcasting and dtype conversion.
#pragma once
#include "tensor/tensor.h"

namespace uflow::cpu {
void copy_strided(const Tensor& dst, const Tensor& src);
void fill(const Tensor& dst, double value);
}  // namespace uflow::cpu
