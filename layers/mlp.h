// The transformer MLP: fc1 -> GELU (exact erf) -> fc2.
#pragma once
#include "layers/linear.h"

namespace uflow {

class Mlp : public Module {
 public:
  Mlp(int64_t dim, int64_t hidden, Generator& gen);
  Tensor forward(const Tensor& x) const;

 private:
  Tensor forward_rows(const Tensor& x) const;  // all rows of x in one pass

  std::shared_ptr<Linear> fc1_, fc2_;
};

}  // namespace uflow
