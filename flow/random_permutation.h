// Seeded random permutations and rotations for the coupling blocks' channel mixing.
#pragma once
#include <vector>

#include "tensor/generator.h"

namespace uflow {

// Uniform random permutation of 0..n-1 (Fisher–Yates driven by the generator).
std::vector<int64_t> random_permutation(Generator& gen, int64_t n);
// Random rotation (special orthogonal n×n, f64 so its transpose is its inverse to 1e-15):
// Gram–Schmidt of a Gaussian matrix with the determinant's sign fixed to +1.
Tensor random_rotation(Generator& gen, int64_t n);

}  // namespace uflow
