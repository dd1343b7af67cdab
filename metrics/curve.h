// A piecewise-linear curve (ROC, PRO) as parallel arrays, ordered by increasing x.
#pragma once
#include <cstddef>
#include <vector>

namespace uflow::metrics {

struct Curve {
  std::vector<double> x;           // false-positive rate
  std::vector<double> y;           // true-positive rate (ROC) or mean region overlap (PRO)
  std::vector<double> thresholds;  // a point counts scores >= threshold as positive

  size_t size() const { return x.size(); }
  void push(double px, double py, double threshold) {
    x.push_back(px);
    y.push_back(py);
    thresholds.push_back(threshold);
  }
};

// Trapezoid rule over consecutive points; vertical steps (repeated x) add nothing.
double trapezoid_area(const Curve& c);

// At most max_points (>= 2) points for drawing: the first and last point are kept and the rest
// are picked evenly by index. The curve a pixel ROC yields can hold millions of points.
Curve thin_curve(const Curve& c, size_t max_points);

}  // namespace uflow::metrics
