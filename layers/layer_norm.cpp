#include "layers/layer_norm.h"

namespace uflow {

LayerNorm::LayerNorm(int64_t dim, double eps) : LayerNorm(Shape{dim}, eps) {}

LayerNorm::LayerNorm(const Shape& normalized_shape, double eps) : eps_(eps) {
  UFLOW_CHECK(!normalized_shape.empty(), "LayerNorm needs at least one normalized dim");
  weight_ = kernels::ones(normalized_shape);
  bias_ = kernels::zeros(normalized_shape);
  register_parameter("weight", &weight_);
  register_parameter("bias", &bias_);
}

}  // namespace uflow
