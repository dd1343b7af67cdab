#include "layers/class_attention_block.h"

namespace uflow {

ClassAttn::ClassAttn(int64_t dim, Generator& gen) {
  q_ = register_module("q", std::make_shared<Linear>(dim, dim, true, gen));
  k_ = register_module("k", std::make_shared<Linear>(dim, dim, true, gen));
  v_ = register_module("v", std::make_shared<Linear>(dim, dim, true, gen));
  proj_ = register_module("proj", std::make_shared<Linear>(dim, dim, true, gen));
}

LayerScaleBlockClassAttn::LayerScaleBlockClassAttn(int64_t dim, double mlp_ratio,
                                                   double init_values, double eps, Generator& gen) {
  norm1_ = register_module("norm1", std::make_shared<LayerNorm>(dim, eps));
  attn_ = register_module("attn", std::make_shared<ClassAttn>(dim, gen));
  norm2_ = register_module("norm2", std::make_shared<LayerNorm>(dim, eps));
  mlp_ = register_module("mlp",
                         std::make_shared<Mlp>(dim, static_cast<int64_t>(dim * mlp_ratio), gen));
  gamma_1_ = kernels::full({dim}, init_values);
  gamma_2_ = kernels::full({dim}, init_values);
  register_parameter("gamma_1", &gamma_1_);
  register_parameter("gamma_2", &gamma_2_);
}

}  // namespace uflow
