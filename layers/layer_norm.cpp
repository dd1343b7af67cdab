#include "layers/layer_norm.h"

namespace uflow {

LayerNorm::LayerNorm(int64_t dim, double eps) : eps_(eps) {
  weight_ = kernels::ones({dim});
  bias_ = kernels::zeros({dim});
  register_parameter("weight", &weight_);
  register_parameter("bias", &bias_);
}

}  // namespace uflow
