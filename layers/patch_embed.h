// Patch embedding: a stride-p p×p convolution, then tokens in row-major patch order
// (token n = row·G + col).
#pragma once
#include "layers/conv2d.h"

namespace uflow {

class PatchEmbed : public Module {
 public:
  PatchEmbed(int64_t patch, int64_t in_chans, int64_t dim, Generator& gen);
  Tensor forward(const Tensor& x) const;  // (B, C, H, W) -> (B, N, D)

 private:
  std::shared_ptr<Conv2d> proj_;
};

}  // namespace uflow
