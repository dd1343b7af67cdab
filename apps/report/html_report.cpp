#include "apps/report/html_report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "imaging/image_io.h"

namespace uflow::app {

std::string base64(const std::string& bytes) {
  static const char* tbl = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const uint32_t v =
        (uint8_t(bytes[i]) << 16) | (uint8_t(bytes[i + 1]) << 8) | uint8_t(bytes[i + 2]);
    out += tbl[v >> 18];
    out += tbl[(v >> 12) & 63];
    out += tbl[(v >> 6) & 63];
    out += tbl[v & 63];
  }
  if (i < bytes.size()) {
    uint32_t v = uint8_t(bytes[i]) << 16;
    if (i + 1 < bytes.size()) v |= uint8_t(bytes[i + 1]) << 8;
    out += tbl[v >> 18];
    out += tbl[(v >> 12) & 63];
    out += i + 1 < bytes.size() ? tbl[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::string html_escape(const std::string& s) {
  std::string o;
  for (char c : s) {
    switch (c) {
      case '<':
        o += "&lt;";
        break;
      case '>':
        o += "&gt;";
        break;
      case '&':
        o += "&amp;";
        break;
      case '"':
        o += "&quot;";
        break;
      default:
        o += c;
    }
  }
  return o;
}

namespace {

std::string num(double v, const char* format = "%.1f") {
  char buf[48];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

std::string rgb_css(const std::array<float, 3>& c) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "#%02x%02x%02x", int(std::lround(c[0] * 255)),
                int(std::lround(c[1] * 255)), int(std::lround(c[2] * 255)));
  return buf;
}

// A y-axis title, rotated to run along the axis.
std::string y_axis_title(int x, int y, const std::string& text) {
  return "<text text-anchor='middle' transform='translate(" + std::to_string(x) + "," +
         std::to_string(y) + ") rotate(-90)'>" + html_escape(text) + "</text>";
}

std::string svg_curve(const ReportCurve& c) {
  const int W = 320, H = 320, M = 56;
  std::ostringstream os;
  os << "<figure><svg width='" << W + M + 10 << "' height='" << H + M << "'"
     << " xmlns='http://www.w3.org/2000/svg' font-family='sans-serif' font-size='11'>"
     << "<rect x='" << M << "' y='10' width='" << W << "' height='" << H
     << "' fill='#fafafa' stroke='#888'/>";
  for (int k = 0; k <= 4; ++k) {
    const double t = k / 4.0;
    const int x = M + int(t * W), y = 10 + H - int(t * H);
    os << "<line x1='" << x << "' y1='10' x2='" << x << "' y2='" << 10 + H
       << "' stroke='#e4e4e4'/><line x1='" << M << "' y1='" << y << "' x2='" << M + W << "' y2='"
       << y << "' stroke='#e4e4e4'/>"
       << "<text x='" << x << "' y='" << 24 + H << "' text-anchor='middle'>" << t << "</text>"
       << "<text x='" << M - 4 << "' y='" << y + 4 << "' text-anchor='end'>" << t << "</text>";
  }
  os << "<line x1='" << M << "' y1='" << 10 + H << "' x2='" << M + W
     << "' y2='10' stroke='#bbb' stroke-dasharray='4'/>";
  os << "<polyline fill='none' stroke='#c0392b' stroke-width='2' points='";
  for (const auto& [fpr, tpr] : c.points)
    os << num(M + fpr * W) << "," << num(10 + H - tpr * H) << " ";
  os << "'/><text x='" << M + W / 2 << "' y='" << H + 42
     << "' text-anchor='middle'>false positive rate</text>"
     << y_axis_title(16, 10 + H / 2, c.y_label) << "</svg><figcaption>" << html_escape(c.title)
     << "</figcaption></figure>";
  return os.str();
}

std::string svg_histogram(const ReportHistogram& h) {
  static const char* kColours[] = {"#2e86c1", "#c0392b", "#27ae60", "#8e44ad"};
  const int W = 420, H = 200, L = 56, T = 24, B = 46;
  double lo = 0, hi = 1;
  bool first = true;
  for (const auto& [name, values] : h.series)
    for (double v : values) {
      lo = first ? v : std::min(lo, v);
      hi = first ? v : std::max(hi, v);
      first = false;
    }
  for (const auto& [v, label] : h.x_ticks) lo = std::min(lo, v), hi = std::max(hi, v);
  if (h.marker) lo = std::min(lo, h.marker->first), hi = std::max(hi, h.marker->first);
  if (hi <= lo) hi = lo + 1;
  const int bins = 30;
  const double width = (hi - lo) / bins;
  std::vector<std::vector<int>> counts;
  int top = 1;
  for (const auto& [name, values] : h.series) {
    counts.emplace_back(bins, 0);
    for (double v : values)
      top = std::max(top, ++counts.back()[std::min(bins - 1, int((v - lo) / width))]);
  }
  const auto X = [&](double v) { return L + (v - lo) / (hi - lo) * W; };
  const auto Y = [&](double c) { return T + H - c / top * H; };
  std::ostringstream os;
  os << "<figure><svg width='" << L + W + 20 << "' height='" << T + H + B << "'"
     << " xmlns='http://www.w3.org/2000/svg' font-family='sans-serif' font-size='11'>"
     << "<rect x='" << L << "' y='" << T << "' width='" << W << "' height='" << H
     << "' fill='#fafafa' stroke='#888'/>";
  const int ystep = std::max(1, (top + 4) / 5);
  for (int c = 0; c <= top; c += ystep)
    os << "<line x1='" << L << "' y1='" << num(Y(c)) << "' x2='" << L + W << "' y2='" << num(Y(c))
       << "' stroke='#e4e4e4'/><text x='" << L - 4 << "' y='" << num(Y(c) + 4)
       << "' text-anchor='end'>" << c << "</text>";
  for (const auto& [v, label] : h.x_ticks)
    os << "<line x1='" << num(X(v)) << "' y1='" << T + H << "' x2='" << num(X(v)) << "' y2='"
       << T + H + 4 << "' stroke='#888'/><text x='" << num(X(v)) << "' y='" << T + H + 16
       << "' text-anchor='middle'>" << html_escape(label) << "</text>";
  for (size_t s = 0; s < counts.size(); ++s)
    for (int b = 0; b < bins; ++b)
      if (counts[s][b] > 0)
        os << "<rect x='" << num(X(lo + b * width)) << "' y='" << num(Y(counts[s][b]))
           << "' width='" << num(W / double(bins)) << "' height='" << num(H - (Y(counts[s][b]) - T))
           << "' fill='" << kColours[s % 4] << "' fill-opacity='0.55'/>";
  if (h.marker)
    os << "<line x1='" << num(X(h.marker->first)) << "' y1='" << T << "' x2='"
       << num(X(h.marker->first)) << "' y2='" << T + H
       << "' stroke='#000' stroke-dasharray='5,3'/><text x='" << num(X(h.marker->first) + 4)
       << "' y='" << T + 12 << "'>" << html_escape(h.marker->second) << "</text>";
  int lx = L + W;
  for (size_t s = h.series.size(); s-- > 0;) {
    const std::string label =
        h.series[s].first + " (" + std::to_string(h.series[s].second.size()) + ")";
    lx -= 14 + 7 * int(label.size());
    os << "<rect x='" << lx << "' y='6' width='10' height='10' fill='" << kColours[s % 4]
       << "' fill-opacity='0.55'/><text x='" << lx + 13 << "' y='15'>" << html_escape(label)
       << "</text>";
  }
  os << "<text x='" << L + W / 2 << "' y='" << T + H + 36 << "' text-anchor='middle'>"
     << html_escape(h.x_label) << "</text>" << y_axis_title(16, T + H / 2, "images")
     << "</svg><figcaption>" << html_escape(h.title) << "</figcaption></figure>";
  return os.str();
}

// Characters of a UTF-8 label (its width in the legend's font is about 5.5 px each).
size_t label_chars(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

// A colour bar 160 px wide with its ticks and unit, under a grid column's title. Ticks whose
// labels would overlap are left out: the one at the marker (the threshold) and the two ends first.
std::string svg_legend(const ReportLegend& l, int id) {
  if (l.colours.empty()) return "";
  const int W = 160, H = 12, M = 16, n = int(l.colours.size());
  std::ostringstream os;
  os << "<br><svg width='" << W + 2 * M << "' height='" << H + 18 << "'"
     << " xmlns='http://www.w3.org/2000/svg' font-family='sans-serif' font-size='9'"
     << " font-weight='normal'>";
  if (l.discrete) {
    for (int i = 0; i < n; ++i)
      os << "<rect x='" << M + i * W / n << "' y='0' width='" << W / n << "' height='" << H
         << "' fill='" << rgb_css(l.colours[i]) << "' stroke='#888'/>";
  } else {
    os << "<defs><linearGradient id='bar" << id << "'>";
    for (int i = 0; i < n; ++i)
      os << "<stop offset='" << num(100.0 * i / std::max(1, n - 1)) << "%' stop-color='"
         << rgb_css(l.colours[i]) << "'/>";
    os << "</linearGradient></defs><rect x='" << M << "' y='0' width='" << W << "' height='" << H
       << "' fill='url(#bar" << id << ")' stroke='#888'/>";
  }
  if (l.marker)
    os << "<line x1='" << num(M + *l.marker * W) << "' y1='-1' x2='" << num(M + *l.marker * W)
       << "' y2='" << H + 3 << "' stroke='#000' stroke-width='2'/>";
  std::vector<size_t> order(l.ticks.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  const auto priority = [&](size_t i) {
    if (l.marker && std::abs(l.ticks[i].first - *l.marker) < 1e-9) return 0;
    return i == 0 || i + 1 == l.ticks.size() ? 1 : 2;
  };
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return priority(a) < priority(b); });
  std::vector<std::pair<double, double>> taken;  // label extents in px
  for (size_t i : order) {
    const double x = M + l.ticks[i].first * W;
    const double half = 2.75 * double(label_chars(l.ticks[i].second)) + 2;
    bool free = true;
    for (const auto& [a, b] : taken) free = free && (x + half < a || x - half > b);
    if (!free) continue;
    taken.push_back({x - half, x + half});
    os << "<text x='" << num(x) << "' y='" << H + 13 << "' text-anchor='middle'>"
       << html_escape(l.ticks[i].second) << "</text>";
  }
  os << "</svg><br><span class='unit'>" << html_escape(l.unit) << "</span>";
  return os.str();
}

}  // namespace

std::string render_html(const Report& r) {
  std::ostringstream os;
  os << "<!DOCTYPE html><html><head><meta charset='utf-8'><title>" << html_escape(r.title)
     << "</title><style>body{font-family:sans-serif;margin:24px;color:#222}"
        "table{border-collapse:collapse;margin:8px 0 20px}td,th{border:1px solid #ccc;"
        "padding:4px 10px;text-align:right}th{background:#f0f0f0}td:first-child{text-align:left}"
        "figure{display:inline-block;margin:0 16px 16px 0;vertical-align:top}"
        "figcaption{text-align:center}"
        ".grid img{width:160px;height:160px;image-rendering:pixelated;margin:2px}"
        ".grid td,.grid th{text-align:center;vertical-align:top;font-size:12px}"
        ".unit{font-weight:normal;font-size:11px;color:#444}"
        "summary{font-size:15px;font-weight:bold;margin:10px "
        "0;cursor:pointer}</style></head><body>";
  os << "<h1>" << html_escape(r.title) << "</h1>";
  if (!r.subtitle.empty()) os << "<p>" << html_escape(r.subtitle) << "</p>";
  for (const ReportTable& t : r.tables) {
    os << "<h2>" << html_escape(t.title) << "</h2><table><tr>";
    for (const auto& h : t.header) os << "<th>" << html_escape(h) << "</th>";
    os << "</tr>";
    for (const auto& row : t.rows) {
      os << "<tr>";
      for (const auto& cell : row) os << "<td>" << html_escape(cell) << "</td>";
      os << "</tr>";
    }
    os << "</table>";
  }
  if (!r.curves.empty()) {
    os << "<h2>ROC curves</h2>";
    for (const ReportCurve& c : r.curves) os << svg_curve(c);
  }
  if (!r.histograms.empty()) {
    os << "<h2>Image scores</h2>";
    for (const ReportHistogram& h : r.histograms) os << svg_histogram(h);
  }
  if (!r.rows.empty()) {
    os << "<h2>Images</h2>";
    if (!r.grid_note.empty()) os << "<p>" << html_escape(r.grid_note) << "</p>";
    int legend_id = 0;
    for (size_t i = 0; i < r.rows.size();) {
      size_t end = i;
      while (end < r.rows.size() && r.rows[end].group == r.rows[i].group) ++end;
      const std::string count = std::to_string(end - i) + (end - i == 1 ? " image" : " images");
      os << "<details open><summary>"
         << html_escape(r.rows[i].group.empty() ? count : r.rows[i].group + " \xc2\xb7 " + count)
         << "</summary><table class='grid'><tr><th>sample</th>";
      for (size_t k = 0; k < r.panel_titles.size(); ++k)
        os << "<th>" << html_escape(r.panel_titles[k])
           << (k < r.panel_legends.size() ? svg_legend(r.panel_legends[k], legend_id++) : "")
           << "</th>";
      os << "</tr>";
      for (; i < end; ++i) {
        const ReportRow& row = r.rows[i];
        std::string caption = html_escape(row.caption);
        for (size_t at; (at = caption.find('\n')) != std::string::npos;)
          caption.replace(at, 1, "<br>");
        os << "<tr><td>" << html_escape(row.name) << "<br>" << caption << "</td>";
        for (const Tensor& p : row.panels)
          os << "<td><img src='data:image/png;base64," << base64(encode_png(p)) << "'></td>";
        os << "</tr>";
      }
      os << "</table></details>";
    }
  }
  for (const std::string& n : r.notes) os << "<p>" << html_escape(n) << "</p>";
  os << "</body></html>\n";
  return os.str();
}

void write_report(const std::string& path, const Report& report) {
  write_file_atomic(path, render_html(report));
}

}  // namespace uflow::app
