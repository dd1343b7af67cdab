#include "flow/all_in_one_block.h"

#include <cmath>

#include "flow/random_permutation.h"
#include "layers/module_list.h"
#include "tensor/profiler.h"

namespace uflow {

const char* to_string(ClampMode mode) {
  return mode == ClampMode::scaled ? "scaled" : "pinned";
}

double AllInOneBlock::global_scale_init(GlobalAffine affine, double s0) {
  switch (affine) {
    case GlobalAffine::softplus:  // 0.1 · softplus_{β=0.5}(g) = s0
      return 2.0 * std::log(std::exp(0.5 * 10.0 * s0) - 1.0);
    case GlobalAffine::sigmoid:  // 10 · sigmoid(g − 2) = s0
      return 2.0 - std::log(10.0 / s0 - 1.0);
    case GlobalAffine::exp:
      return std::log(s0);
  }
  UFLOW_FAIL("unknown global affine type");
}

AllInOneBlock::AllInOneBlock(const AllInOneConfig& cfg, Generator& gen)
    : cfg_(cfg), c1_(cfg.channels - cfg.channels / 2), c2_(cfg.channels / 2) {
  UFLOW_CHECK(cfg.channels >= 2, "AllInOneBlock needs at least 2 channels, got ", cfg.channels);
  const int64_t hidden = static_cast<int64_t>(c1_ * cfg.hidden_ratio);
  Conv2dOptions same;
  same.same = true;
  auto seq = std::make_shared<ModuleList>();  // FrEIA's `subnet` nn.Sequential
  conv1_ =
      seq->register_module("0", std::make_shared<Conv2d>(c1_, hidden, cfg.kernel, same, true, gen));
  conv2_ = seq->register_module(
      "2", std::make_shared<Conv2d>(hidden, 2 * c2_, cfg.kernel, same, true, gen));
  global_scale_ =
      kernels::full({1, cfg.channels, 1, 1}, global_scale_init(cfg.affine, cfg.affine_init));
  global_offset_ = kernels::zeros({1, cfg.channels, 1, 1});
  // State-dict order of the reference: own parameters first, then the subnet.
  register_parameter("global_scale", &global_scale_);
  register_parameter("global_offset", &global_offset_);
  register_module("subnet", seq);
  if (cfg.soft_permutation)
    set_soft_permutation(random_rotation(gen, cfg.channels));
  else
    set_permutation(random_permutation(gen, cfg.channels));
}

void AllInOneBlock::set_permutation(const std::vector<int64_t>& perm) {
  UFLOW_CHECK(static_cast<int64_t>(perm.size()) == cfg_.channels, "AllInOneBlock: permutation of ",
              perm.size(), " entries for ", cfg_.channels, " channels");
  std::vector<int64_t> inv(perm.size(), -1);
  for (size_t o = 0; o < perm.size(); ++o) {
    UFLOW_CHECK(perm[o] >= 0 && perm[o] < cfg_.channels && inv[perm[o]] < 0,
                "AllInOneBlock: the permutation is not a permutation of 0..", cfg_.channels - 1);
    inv[perm[o]] = static_cast<int64_t>(o);
  }
  perm_ = perm;
  perm_inv_ = inv;
}

void AllInOneBlock::set_soft_permutation(const Tensor& w) {
  UFLOW_CHECK(w.shape() == Shape({cfg_.channels, cfg_.channels}),
              "AllInOneBlock: soft permutation of shape ", shape_str(w.shape()), " for ",
              cfg_.channels, " channels");
  w_soft_ = kernels::clone(kernels::to_dtype(kernels::to_device(w, Device::cpu), DType::f64));
}

Tensor AllInOneBlock::global_scale_value() const {
  switch (cfg_.affine) {
    case GlobalAffine::softplus:
      return softplus(global_scale_, 0.5, 20.0) * 0.1;
    case GlobalAffine::sigmoid:
      return sigmoid(global_scale_ - 2.0) * 10.0;
    case GlobalAffine::exp:
      return exp(global_scale_);
  }
  UFLOW_FAIL("unknown global affine type");
}

Tensor AllInOneBlock::subnet_raw(const Tensor& x1) const {
  return conv2_->forward(relu(conv1_->forward(x1)));
}

CouplingSpec AllInOneBlock::coupling_spec() const {
  return {c1_, c2_, cfg_.clamp, cfg_.clamp_mode == ClampMode::scaled};
}

Tensor AllInOneBlock::log_scale(const Tensor& a) const {
  Tensor raw = narrow(a, 1, 0, c2_);
  if (cfg_.clamp_mode == ClampMode::scaled) return tanh(raw * (1.0 / cfg_.clamp)) * cfg_.clamp;
  return tanh(raw) * cfg_.clamp;
}

Tensor AllInOneBlock::mix_channels(const Tensor& v, bool inverse) const {
  if (!cfg_.soft_permutation) return permute_dim(v, 1, inverse ? perm_inv_ : perm_);
  // A rotation's inverse is its transpose.
  Tensor w = kernels::to_device(kernels::to_dtype(w_soft_, v.dtype()), v.device());
  if (inverse) w = kernels::contiguous(kernels::transpose(w, 0, 1));
  return uflow::conv2d(v, reshape(w, {cfg_.channels, cfg_.channels, 1, 1}), Tensor());
}

// The coupling, the global affine transform and the hard permutation run as one fused op
// (tensor/coupling_math.h); Σ s is a second one that reads the subnet output again.
FlowOut AllInOneBlock::forward(const Tensor& x) const {
  profile::Region region("coupling");
  UFLOW_CHECK(x.dim() == 4 && x.size(1) == cfg_.channels, "AllInOneBlock: expected (B, ",
              cfg_.channels, ", H, W), got ", shape_str(x.shape()));
  const int64_t hw = x.size(2) * x.size(3);
  const CouplingSpec spec = coupling_spec();
  Tensor a = subnet_raw(narrow(x, 1, 0, c1_));
  Tensor S = global_scale_value();
  Tensor y = affine_coupling(x, a, S, global_offset_,
                             cfg_.soft_permutation ? std::vector<int64_t>{} : perm_, spec);
  if (cfg_.soft_permutation) y = mix_channels(y, false);
  Tensor log_det = coupling_log_scale_sum(a, spec) + sum(log(S)) * static_cast<double>(hw);
  return {y, log_det};
}

FlowOut AllInOneBlock::inverse(const Tensor& y) const {
  UFLOW_CHECK(y.dim() == 4 && y.size(1) == cfg_.channels, "AllInOneBlock: expected (B, ",
              cfg_.channels, ", H, W), got ", shape_str(y.shape()));
  const int64_t hw = y.size(2) * y.size(3);
  Tensor S = global_scale_value();
  Tensor u = (mix_channels(y, true) - global_offset_) / S;
  Tensor x1 = narrow(u, 1, 0, c1_), u2 = narrow(u, 1, c1_, c2_);
  Tensor a = subnet_raw(x1) * 0.1;
  Tensor s = log_scale(a);
  Tensor x2 = (u2 - narrow(a, 1, c2_, c2_)) * exp(-s);
  Tensor log_det = -(sum(s, {1, 2, 3}) + sum(log(S)) * static_cast<double>(hw));
  return {cat({x1, x2}, 1), log_det};
}

}  // namespace uflow
