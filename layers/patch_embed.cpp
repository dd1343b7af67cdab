#include "layers/patch_embed.h"

namespace uflow {

PatchEmbed::PatchEmbed(int64_t patch, int64_t in_chans, int64_t dim, Generator& gen) {
  Conv2dOptions opt;
  opt.stride_h = opt.stride_w = patch;
  proj_ = register_module("proj", std::make_shared<Conv2d>(in_chans, dim, patch, opt, true, gen));
}

Tensor PatchEmbed::forward(const Tensor& x) const {
  Tensor f = proj_->forward(x);  // (B, D, G, G)
  return transpose(flatten(f, 2), 1, 2);
}

}  // namespace uflow
