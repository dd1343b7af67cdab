// Model parameters and optimiser state must be finite. A NaN or ±Inf weight does not fail
// loudly further on (relu(NaN) = 0 hides it and the scores merely look plausible), so every
// loader and writer of model files checks, and the trainer checks after each update.
#pragma once
#include <string>
#include <vector>

#include "tensor/tensor.h"

namespace uflow {

// Index (row-major) of the first NaN or ±Inf element of t (any device), or -1 when none.
int64_t first_non_finite(const Tensor& t);

// Throws "<file>: dataset '<dataset>' holds a non-finite value (NaN at element 17 of shape
// (3, 4))" when t has a NaN or ±Inf element.
void require_finite(const Tensor& t, const std::string& file, const std::string& dataset);

// Whether every element of every tensor is finite. On the tensors' own device, with a single
// read back to the host, so a training loop can afford it after every step.
bool all_finite(const std::vector<Tensor>& ts);

}  // namespace uflow
