// FrEIA's AllInOneBlock as U-Flow configures it: an affine coupling whose scale is clamped
// with a tanh, a learned global affine transform, and a fixed channel permutation.
//
//   x = (x1, x2), x1 = first C - C/2 channels (passive), x2 = last C/2 (transformed)
//   a = 0.1 · subnet(x1),  s = clamp · tanh(a[:C2])   (or clamp · tanh(a[:C2] / clamp))
//   x2' = x2 · exp(s) + a[C2:]
//   y = Perm(concat(x1, x2') · S + offset), S = activation(global_scale)
//   log_det = Σ s + H·W · Σ_c log S_c
// Derivation of the log-det, the clamp, the 0.1 factor and the softplus: docs/coupling.md.
#pragma once
#include <vector>

#include "layers/conv2d.h"
#include "tensor/coupling_math.h"
#include "tensor/generator.h"

namespace uflow {

enum class GlobalAffine { softplus, sigmoid, exp };
enum class ClampMode {
  pinned,  // clamp · tanh(a): the FrEIA version U-Flow pins (and freia 0.2 on PyPI)
  scaled,  // clamp · tanh(a / clamp): FrEIA after August 2023
};
// The spelling of the command line and of checkpoints: "pinned" or "scaled".
const char* to_string(ClampMode mode);

struct AllInOneConfig {
  int64_t channels = 0;
  int64_t kernel = 3;
  double hidden_ratio = 1.0;
  double clamp = 2.0;
  ClampMode clamp_mode = ClampMode::pinned;
  GlobalAffine affine = GlobalAffine::softplus;
  double affine_init = 1.0;       // the initial value of S
  bool soft_permutation = false;  // random rotation instead of a hard permutation
};

// Output of one direction: the transformed tensor and log|det J| per sample (B,).
struct FlowOut {
  Tensor y;
  Tensor log_det;
};

class AllInOneBlock : public Module {
 public:
  AllInOneBlock(const AllInOneConfig& cfg, Generator& gen);
  FlowOut forward(const Tensor& x) const;
  FlowOut inverse(const Tensor& y) const;
  const AllInOneConfig& config() const { return cfg_; }

  // The hard permutation as an index vector: y[:, o] = v[:, perm[o]].
  const std::vector<int64_t>& permutation() const { return perm_; }
  void set_permutation(const std::vector<int64_t>& perm);
  // The soft permutation (C, C) rotation, when configured; y = W v over channels.
  const Tensor& soft_permutation() const { return w_soft_; }
  void set_soft_permutation(const Tensor& w);

  // S = activation(global_scale), shape (1, C, 1, 1).
  Tensor global_scale_value() const;
  // The global_scale that gives S = affine_init for the configured activation.
  static double global_scale_init(GlobalAffine affine, double affine_init);

 private:
  Tensor subnet_raw(const Tensor& x1) const;  // before FrEIA's factor 0.1
  CouplingSpec coupling_spec() const;
  Tensor log_scale(const Tensor& a) const;  // s from 0.1 · the subnet output (inverse only)
  Tensor mix_channels(const Tensor& v, bool inverse) const;

  std::shared_ptr<Conv2d> conv1_, conv2_;  // subnet.0 and subnet.2 (subnet.1 is the ReLU)
  Tensor global_scale_, global_offset_;
  AllInOneConfig cfg_;
  int64_t c1_, c2_;
  std::vector<int64_t> perm_, perm_inv_;
  Tensor w_soft_;
};

}  // namespace uflow
