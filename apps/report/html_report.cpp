#include "apps/report/html_report.h"

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

std::string svg_curve(const ReportCurve& c) {
  const int W = 320, H = 320, M = 40;
  std::ostringstream os;
  os << "<figure><svg width='" << W + M + 10 << "' height='" << H + M + 10
     << "' xmlns='http://www.w3.org/2000/svg' font-family='sans-serif' font-size='11'>"
     << "<rect x='" << M << "' y='10' width='" << W << "' height='" << H
     << "' fill='#fafafa' stroke='#888'/>";
  for (int k = 0; k <= 4; ++k) {
    const double t = k / 4.0;
    const int x = M + int(t * W), y = 10 + H - int(t * H);
    os << "<line x1='" << x << "' y1='10' x2='" << x << "' y2='" << 10 + H
       << "' stroke='#e4e4e4'/><line x1='" << M << "' y1='" << y << "' x2='" << M + W << "' y2='"
       << y << "' stroke='#e4e4e4'/>"
       << "<text x='" << x - 8 << "' y='" << 24 + H << "'>" << t << "</text>"
       << "<text x='" << M - 28 << "' y='" << y + 4 << "'>" << t << "</text>";
  }
  os << "<line x1='" << M << "' y1='" << 10 + H << "' x2='" << M + W
     << "' y2='10' stroke='#bbb' stroke-dasharray='4'/>";
  os << "<polyline fill='none' stroke='#c0392b' stroke-width='2' points='";
  for (const auto& [fpr, tpr] : c.points) {
    char buf[48];
    std::snprintf(buf, sizeof buf, "%.1f,%.1f ", M + fpr * W, 10 + H - tpr * H);
    os << buf;
  }
  os << "'/><text x='" << M + W / 2 - 40 << "' y='" << H + M + 6 << "'>false positive rate</text>"
     << "</svg><figcaption>" << html_escape(c.title) << "</figcaption></figure>";
  return os.str();
}

}  // namespace

std::string render_html(const Report& r) {
  std::ostringstream os;
  os << "<!DOCTYPE html><html><head><meta charset='utf-8'><title>" << html_escape(r.title)
     << "</title><style>body{font-family:sans-serif;margin:24px;color:#222}"
        "table{border-collapse:collapse;margin:8px 0 20px}td,th{border:1px solid #ccc;"
        "padding:4px 10px;text-align:right}th{background:#f0f0f0}td:first-child{text-align:left}"
        "figure{display:inline-block;margin:0 16px 16px 0}figcaption{text-align:center}"
        ".grid img{width:160px;height:160px;image-rendering:pixelated;margin:2px}"
        ".grid td{text-align:center;vertical-align:top;font-size:12px}</style></head><body>";
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
  if (!r.rows.empty()) {
    os << "<h2>Images</h2><table class='grid'><tr><th>sample</th>";
    for (const auto& t : r.panel_titles) os << "<th>" << html_escape(t) << "</th>";
    os << "</tr>";
    for (const ReportRow& row : r.rows) {
      os << "<tr><td>" << html_escape(row.name) << "<br>" << html_escape(row.caption) << "</td>";
      for (const Tensor& p : row.panels)
        os << "<td><img src='data:image/png;base64," << base64(encode_png(p)) << "'></td>";
      os << "</tr>";
    }
    os << "</table>";
  }
  for (const std::string& n : r.notes) os << "<p>" << html_escape(n) << "</p>";
  os << "</body></html>\n";
  return os.str();
}

void write_report(const std::string& path, const Report& report) {
  write_file_atomic(path, render_html(report));
}

}  // namespace uflow::app
