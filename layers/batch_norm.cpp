#include "layers/batch_norm.h"

namespace uflow {

BatchNorm2d::BatchNorm2d(int64_t channels, double eps) : eps_(eps) {
  // PyTorch's initial values: identity until weights are loaded.
  weight_ = kernels::full({channels}, 1.0);
  bias_ = kernels::zeros({channels});
  running_mean_ = kernels::zeros({channels});
  running_var_ = kernels::full({channels}, 1.0);
  register_parameter("weight", &weight_);
  register_parameter("bias", &bias_);
  register_parameter("running_mean", &running_mean_);
  register_parameter("running_var", &running_var_);
}

Tensor BatchNorm2d::forward(const Tensor& x) const {
  UFLOW_CHECK(x.dim() == 4 && x.size(1) == weight_.size(0), "BatchNorm2d: expected (B, ",
              weight_.size(0), ", H, W), got ", shape_str(x.shape()));
  const int64_t c = weight_.size(0);
  // One scale and shift per channel, then one fused multiply-add pass over x.
  const Tensor scale = weight_ * rsqrt(running_var_ + eps_);
  const Tensor shift = bias_ - running_mean_ * scale;
  return x * reshape(scale, {1, c, 1, 1}) + reshape(shift, {1, c, 1, 1});
}

}  // namespace uflow
