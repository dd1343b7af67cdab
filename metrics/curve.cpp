#include "metrics/curve.h"

#include "tensor/error.h"

namespace uflow::metrics {

double trapezoid_area(const Curve& c) {
  double area = 0;
  for (size_t i = 1; i < c.size(); ++i) area += (c.x[i] - c.x[i - 1]) * (c.y[i] + c.y[i - 1]) / 2;
  return area;
}

Curve thin_curve(const Curve& c, size_t max_points) {
  UFLOW_CHECK(max_points >= 2, "thin_curve: max_points must be at least 2, got ", max_points);
  if (c.size() <= max_points) return c;
  Curve out;
  const size_t last = c.size() - 1;
  for (size_t k = 0; k < max_points; ++k) {
    // Rounded even spacing; k = 0 and k = max_points − 1 land exactly on the ends.
    const size_t i = (k * last + (max_points - 1) / 2) / (max_points - 1);
    out.push(c.x[i], c.y[i], c.thresholds[i]);
  }
  return out;
}

}  // namespace uflow::metrics
