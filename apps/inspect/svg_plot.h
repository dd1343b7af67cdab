// Small x-y plots as inline SVG for the HTML pages: lines or points, linear or log10 axes, one
// colour per series with a legend. Enough for QQ plots, per-channel statistics and the
// a-contrario calibration curve; no external files or scripts.
#pragma once
#include <string>
#include <utility>
#include <vector>

namespace uflow::app {

struct PlotSeries {
  std::string label;
  std::string colour;                             // any SVG colour, e.g. "#c0392b"
  std::vector<std::pair<double, double>> points;  // (x, y); non-finite points are skipped
  bool line = true;                               // polyline, else dots
  bool dashed = false;
};

struct Plot {
  std::string caption;
  std::string x_label, y_label;
  bool log_x = false, log_y = false;  // log10 axes (points <= 0 are skipped there)
  std::vector<PlotSeries> series;
};

// A <figure> with the SVG and its caption.
std::string svg_plot(const Plot& plot);

}  // namespace uflow::app
