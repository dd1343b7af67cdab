#include "layers/adam.h"

#include <algorithm>
#include <cmath>

#include "tensor/ops.h"

namespace uflow {

Adam::Adam(std::vector<Tensor> params, const AdamOptions& opt)
    : params_(std::move(params)), opt_(opt) {
  for (const Tensor& p : params_) {
    m_.push_back(kernels::zeros(p.shape(), p.dtype(), p.device()));
    v_.push_back(kernels::zeros(p.shape(), p.dtype(), p.device()));
  }
}

void Adam::step() {
  ++step_;
  using kernels::BinaryOp;
  const double bc1 = 1.0 - std::pow(opt_.beta1, static_cast<double>(step_));
  const double bc2 = 1.0 - std::pow(opt_.beta2, static_cast<double>(step_));
  for (size_t i = 0; i < params_.size(); ++i) {
    const Tensor& p = params_[i];
    Tensor g = p.grad();
    if (!g.defined()) continue;
    if (opt_.weight_decay != 0)
      g = kernels::binary(BinaryOp::add, g, kernels::affine_scalar(p, opt_.weight_decay, 0.0));
    m_[i] = kernels::binary(BinaryOp::add, kernels::affine_scalar(m_[i], opt_.beta1, 0.0),
                            kernels::affine_scalar(g, 1.0 - opt_.beta1, 0.0));
    v_[i] = kernels::binary(
        BinaryOp::add, kernels::affine_scalar(v_[i], opt_.beta2, 0.0),
        kernels::affine_scalar(kernels::unary(UnaryOp::square, g), 1.0 - opt_.beta2, 0.0));
    // PyTorch: denom = sqrt(v) / sqrt(bc2) + eps; θ −= (lr / bc1) · m / denom.
    Tensor denom = kernels::affine_scalar(kernels::unary(UnaryOp::sqrt, v_[i]),
                                          1.0 / std::sqrt(bc2), opt_.eps);
    Tensor update =
        kernels::affine_scalar(kernels::binary(BinaryOp::div, m_[i], denom), -opt_.lr / bc1, 0.0);
    kernels::copy_(p, kernels::binary(BinaryOp::add, p, update));
  }
}

void Adam::zero_grad() {
  for (const Tensor& p : params_) p.zero_grad();
}

void Adam::load_state(const std::vector<Tensor>& m, const std::vector<Tensor>& v, int64_t step) {
  UFLOW_CHECK(m.size() == params_.size() && v.size() == params_.size(), "Adam state for ", m.size(),
              " parameters, optimiser has ", params_.size());
  for (size_t i = 0; i < params_.size(); ++i) {
    UFLOW_CHECK(m[i].shape() == params_[i].shape() && v[i].shape() == params_[i].shape(),
                "Adam state ", i, " has shape ", shape_str(m[i].shape()), ", parameter has ",
                shape_str(params_[i].shape()));
    m_[i] = kernels::clone(
        kernels::to_device(kernels::to_dtype(m[i], params_[i].dtype()), params_[i].device()));
    v_[i] = kernels::clone(
        kernels::to_device(kernels::to_dtype(v[i], params_[i].dtype()), params_[i].device()));
  }
  step_ = step;
}

double linear_lr_factor(int64_t epoch, int64_t total, double end_factor) {
  const double t = static_cast<double>(std::min(epoch, total)) / static_cast<double>(total);
  return 1.0 - (1.0 - end_factor) * t;
}

}  // namespace uflow
