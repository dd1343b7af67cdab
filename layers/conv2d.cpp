#include "layers/conv2d.h"

#include "layers/init.h"

namespace uflow {

Conv2d::Conv2d(int64_t in, int64_t out, int64_t kernel, const Conv2dOptions& opt, bool bias,
               Generator& gen)
    : opt_(opt) {
  UFLOW_CHECK(opt.groups > 0 && in % opt.groups == 0 && out % opt.groups == 0, "Conv2d: channels ",
              in, "->", out, " not divisible by groups ", opt.groups);
  const int64_t fan_in = in / opt.groups * kernel * kernel;
  weight_ = init::fan_in_uniform(gen, {out, in / opt.groups, kernel, kernel}, fan_in);
  register_parameter("weight", &weight_);
  if (bias) {
    bias_ = init::fan_in_uniform(gen, {out}, fan_in);
    register_parameter("bias", &bias_);
  }
}

}  // namespace uflow
