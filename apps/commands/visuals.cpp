#include "apps/commands/visuals.h"

#include <vector>

#include "imaging/colormap.h"
#include "tensor/ops.h"

namespace uflow::app {

Tensor overlay_anomaly(const Tensor& image, const Tensor& anomaly_map) {
  return blend(image, colormap_jet(anomaly_map, 0.0, 1.0), 0.5);
}

Tensor render_nfa(const Tensor& neg_log_nfa) {
  return colormap_jet(neg_log_nfa, 0.0, 30.0);
}

Tensor overlay_mask(const Tensor& image, const Tensor& mask01) {
  const int64_t T = mask01.size(-1);
  std::vector<float> img = image.to_floats();
  const std::vector<float> m = mask01.to_floats();
  for (int64_t i = 0; i < T * T; ++i) {
    if (m[i] <= 0.5f) continue;
    img[i] = 0.5f * img[i] + 0.5f;
    img[T * T + i] *= 0.5f;
    img[2 * T * T + i] *= 0.5f;
  }
  return Tensor::from_floats(img, {3, T, T});
}

Tensor render_mask(const Tensor& mask01) {
  const int64_t T = mask01.size(-1);
  Tensor m = kernels::reshape(kernels::contiguous(mask01), {1, T, T});
  return kernels::contiguous(kernels::expand(m, {3, T, T}));
}

}  // namespace uflow::app
