// The NFA's per-pixel work on one device, declared once: the CPU loops
// (contrario/nfa_backend_cpu.cpp) and the CUDA kernels (contrario/cuda/nfa_backend_cuda.cu) use
// the same arithmetic (contrario/nfa_math.h). The tree NFA's component tree itself is built on
// the CPU for either device. All tensors of a call are contiguous and on the backend's device.
#pragma once
#include <cstdint>
#include <vector>

#include "contrario/nfa.h"
#include "tensor/tensor.h"

namespace uflow::contrario {

class NfaBackend {
 public:
  virtual ~NfaBackend() = default;
  // z (B, C, H, W) f32 -> sum_sq (B, H, W) f64: Σ_c z², in double and in channel order on every
  // device, so the sums have the same bits (the max-tree depends on their exact order).
  virtual void sum_of_squares(const Tensor& z, const Tensor& sum_sq) const = 0;
  // z (B, C, H, W) f32 -> maps (B, 1, H, W) f32: the block NFA's per-scale log10 P
  // (contrario/block_log_prob.h). table: the binomial tail of (2·half_width+1)² + 1 entries.
  virtual void block_log_prob_maps(const Tensor& z, int64_t half_width, float tau,
                                   const std::vector<double>& table, const Tensor& maps) const = 0;
  // score = −(min or sum over s of maps[s] + log10_tests), maps of score's shape.
  virtual void combine_scales(const std::vector<Tensor>& maps, ScaleCombine how, double log10_tests,
                              const Tensor& score) const = 0;
  // mask = 1 where score > epsilon, 0 elsewhere and at NaN.
  virtual void threshold(const Tensor& score, double epsilon, const Tensor& mask) const = 0;
};

// The backend of a device; throws for CUDA in a build without the CUDA backend.
const NfaBackend& nfa_backend(Device device);

}  // namespace uflow::contrario
