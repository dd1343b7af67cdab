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
  // One fused pass over every parameter that has a gradient (tensor/adam_math.h).
  std::vector<kernels::AdamTensors> groups;
  for (size_t i = 0; i < params_.size(); ++i) {
    const Tensor g = params_[i].grad();
    if (g.defined()) groups.push_back({params_[i], g, m_[i], v_[i]});
  }
  AdamStepArgs args;
  args.lr = opt_.lr;
  args.beta1 = opt_.beta1;
  args.beta2 = opt_.beta2;
  args.eps = opt_.eps;
  args.weight_decay = opt_.weight_decay;
  args.step = step_;
  kernels::adam_update(groups, args);
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
