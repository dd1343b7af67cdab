#include "layers/linear.h"

#include "layers/init.h"

namespace uflow {

Linear::Linear(int64_t in, int64_t out, bool bias, Generator& gen) {
  weight_ = init::fan_in_uniform(gen, {out, in}, in);
  register_parameter("weight", &weight_);
  if (bias) {
    bias_ = init::fan_in_uniform(gen, {out}, in);
    register_parameter("bias", &bias_);
  }
}

}  // namespace uflow
