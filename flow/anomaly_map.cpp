#include "flow/anomaly_map.h"

namespace uflow {

Tensor anomaly_map(const std::vector<Tensor>& z, int64_t size) {
  UFLOW_CHECK(!z.empty(), "anomaly_map: no latents");
  NoGradGuard no_grad;
  Tensor acc;
  for (const Tensor& zs : z) {
    Tensor p = exp(mean(square(zs), {1}, true) * -0.5);
    p = interpolate(p, size, size, InterpMode::bilinear, false);
    acc = acc.defined() ? acc + p : p;
  }
  return affine(acc, -1.0 / static_cast<double>(z.size()), 1.0);
}

Tensor image_scores(const Tensor& map) {
  return max(map, {1, 2, 3});
}

}  // namespace uflow
