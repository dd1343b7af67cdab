#include "layers/init.h"

#include <cmath>

namespace uflow::init {

Tensor fan_in_uniform(Generator& gen, const Shape& shape, int64_t fan_in) {
  const double bound = 1.0 / std::sqrt(static_cast<double>(fan_in));
  return gen.uniform(shape, -bound, bound);
}

Tensor trunc_normal(Generator& gen, const Shape& shape, double std) {
  return kernels::clamp(gen.normal(shape, 0.0, std), -2.0, 2.0);
}

}  // namespace uflow::init
