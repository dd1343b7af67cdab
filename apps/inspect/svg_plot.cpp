#include "apps/inspect/svg_plot.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <sstream>

#include "apps/report/html_report.h"

namespace uflow::app {
namespace {

constexpr int kWidth = 360, kHeight = 260, kLeft = 56, kTop = 12, kBottom = 40;

struct Axis {
  bool log = false;
  double lo = 0, hi = 1;  // in plot units (log10 of the value on a log axis)
  double unit(double v) const { return log ? std::log10(v) : v; }
  bool usable(double v) const { return std::isfinite(v) && (!log || v > 0); }
  double fraction(double v) const { return (unit(v) - lo) / (hi - lo); }
};

Axis fit_axis(const Plot& p, bool log, bool x) {
  Axis a;
  a.log = log;
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (const PlotSeries& s : p.series)
    for (const auto& [px, py] : s.points) {
      const double v = x ? px : py;
      if (!a.usable(v)) continue;
      lo = std::min(lo, a.unit(v));
      hi = std::max(hi, a.unit(v));
    }
  if (!std::isfinite(lo)) lo = 0, hi = 1;
  if (log) {
    lo = std::floor(lo), hi = std::ceil(hi);
  } else {
    const double pad = 0.05 * (hi - lo);
    lo -= pad, hi += pad;
  }
  if (hi - lo < 1e-12) lo -= 0.5, hi += 0.5;
  a.lo = lo, a.hi = hi;
  return a;
}

std::string tick_label(const Axis& a, double u) {
  char buf[32];
  if (a.log)
    std::snprintf(buf, sizeof buf, "1e%d", static_cast<int>(std::lround(u)));
  else
    std::snprintf(buf, sizeof buf, "%.3g", std::fabs(u) < 1e-9 * (a.hi - a.lo) ? 0.0 : u);
  return buf;
}

std::vector<double> ticks(const Axis& a) {
  std::vector<double> t;
  if (a.log) {
    const double step = std::max(1.0, std::ceil((a.hi - a.lo) / 10.0));
    for (double u = a.lo; u <= a.hi + 1e-9; u += step) t.push_back(u);
  } else {
    for (int k = 0; k <= 4; ++k) t.push_back(a.lo + (a.hi - a.lo) * k / 4.0);
  }
  return t;
}

}  // namespace

std::string svg_plot(const Plot& p) {
  const Axis ax = fit_axis(p, p.log_x, true), ay = fit_axis(p, p.log_y, false);
  auto px = [&](double v) { return kLeft + ax.fraction(v) * kWidth; };
  auto py = [&](double v) { return kTop + (1.0 - ay.fraction(v)) * kHeight; };
  std::ostringstream os;
  os << "<figure><svg width='" << kLeft + kWidth + 150 << "' height='" << kTop + kHeight + kBottom
     << "' xmlns='http://www.w3.org/2000/svg' font-family='sans-serif' font-size='11'>"
     << "<rect x='" << kLeft << "' y='" << kTop << "' width='" << kWidth << "' height='" << kHeight
     << "' fill='#fafafa' stroke='#888'/>";
  for (double u : ticks(ax)) {
    const double x = kLeft + (u - ax.lo) / (ax.hi - ax.lo) * kWidth;
    os << "<line x1='" << x << "' y1='" << kTop << "' x2='" << x << "' y2='" << kTop + kHeight
       << "' stroke='#e4e4e4'/><text x='" << x - 12 << "' y='" << kTop + kHeight + 14 << "'>"
       << tick_label(ax, u) << "</text>";
  }
  for (double u : ticks(ay)) {
    const double y = kTop + (1.0 - (u - ay.lo) / (ay.hi - ay.lo)) * kHeight;
    os << "<line x1='" << kLeft << "' y1='" << y << "' x2='" << kLeft + kWidth << "' y2='" << y
       << "' stroke='#e4e4e4'/><text x='4' y='" << y + 4 << "'>" << tick_label(ay, u) << "</text>";
  }
  int legend_y = kTop + 10;
  for (const PlotSeries& s : p.series) {
    std::ostringstream pts;
    for (const auto& [x, y] : s.points) {
      if (!ax.usable(x) || !ay.usable(y)) continue;
      char buf[48];
      std::snprintf(buf, sizeof buf, "%.1f,%.1f ", px(x), py(y));
      if (s.line) {
        pts << buf;
      } else {
        os << "<circle cx='" << px(x) << "' cy='" << py(y) << "' r='2' fill='" << s.colour << "'/>";
      }
    }
    if (s.line)
      os << "<polyline fill='none' stroke='" << s.colour << "' stroke-width='2'"
         << (s.dashed ? " stroke-dasharray='5'" : "") << " points='" << pts.str() << "'/>";
    if (s.label.empty()) continue;
    os << "<rect x='" << kLeft + kWidth + 10 << "' y='" << legend_y - 8 << "' width='10' "
       << "height='10' fill='" << s.colour << "'/><text x='" << kLeft + kWidth + 24 << "' y='"
       << legend_y + 1 << "'>" << html_escape(s.label) << "</text>";
    legend_y += 16;
  }
  os << "<text x='" << kLeft + kWidth / 2 - 30 << "' y='" << kTop + kHeight + 32 << "'>"
     << html_escape(p.x_label) << "</text><text x='" << kLeft + kWidth + 10 << "' y='"
     << kTop + kHeight << "'>" << html_escape(p.y_label) << "</text></svg><figcaption>"
     << html_escape(p.caption) << "</figcaption></figure>";
  return os.str();
}

}  // namespace uflow::app
