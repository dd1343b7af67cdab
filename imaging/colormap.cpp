#include "imaging/colormap.h"

#include <algorithm>
#include <vector>

namespace uflow {

Tensor colormap_jet(const Tensor& map, double lo, double hi) {
  const int64_t h = map.size(-2), w = map.size(-1);
  const std::vector<double> v = map.to_vector();
  std::vector<float> out(3 * h * w);
  const double span = hi > lo ? hi - lo : 1.0;
  for (int64_t i = 0; i < h * w; ++i) {
    const double t = std::clamp((v[i] - lo) / span, 0.0, 1.0);
    // Piecewise-linear jet: blue -> cyan -> yellow -> red.
    const double r = std::clamp(1.5 - std::abs(4 * t - 3), 0.0, 1.0);
    const double g = std::clamp(1.5 - std::abs(4 * t - 2), 0.0, 1.0);
    const double b = std::clamp(1.5 - std::abs(4 * t - 1), 0.0, 1.0);
    out[i] = float(r);
    out[h * w + i] = float(g);
    out[2 * h * w + i] = float(b);
  }
  return Tensor::from_floats(out, {3, h, w});
}

Tensor blend(const Tensor& image, const Tensor& colour, double alpha) {
  UFLOW_CHECK(image.shape() == colour.shape(), "blend: image ", shape_str(image.shape()),
              " and colour ", shape_str(colour.shape()), " differ");
  const std::vector<float> a = image.to_floats(), b = colour.to_floats();
  std::vector<float> out(a.size());
  for (size_t i = 0; i < a.size(); ++i) out[i] = float(alpha * b[i] + (1 - alpha) * a[i]);
  return Tensor::from_floats(out, image.shape());
}

}  // namespace uflow
