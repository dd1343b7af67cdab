// CUDA fillers behind kernels::rand_uniform / rand_normal; out is a fresh contiguous tensor.
#pragma once
#include <cstdint>

#include "tensor/tensor.h"

namespace uflow::cuda {
void rand_uniform(const Tensor& out, uint64_t seed, uint64_t offset, double lo, double hi);
void rand_normal(const Tensor& out, uint64_t seed, uint64_t offset, double mean, double std);
}  // namespace uflow::cuda
