// A self-contained HTML report (no external files): metric tables, ROC curves drawn as inline
// SVG, and a grid of image / ground truth / anomaly map / NFA mask with images embedded as
// base64 PNGs. Opens in any browser.
#pragma once
#include <string>
#include <utility>
#include <vector>

#include "tensor/tensor.h"

namespace uflow::app {

struct ReportTable {
  std::string title;
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
};

struct ReportCurve {
  std::string title;                              // e.g. "Image ROC (AUROC 0.987)"
  std::vector<std::pair<double, double>> points;  // (FPR, TPR), increasing FPR
};

struct ReportRow {
  std::string name;
  std::string caption;         // e.g. "score 0.73 · defect scratch"
  std::vector<Tensor> panels;  // each (3, H, W) in [0, 1]
};

struct Report {
  std::string title;
  std::string subtitle;
  std::vector<ReportTable> tables;
  std::vector<ReportCurve> curves;
  std::vector<std::string> panel_titles;  // column headings of the image grid
  std::vector<ReportRow> rows;
  std::vector<std::string> notes;
};

// Renders the report as HTML text.
std::string render_html(const Report& report);
// Writes it atomically.
void write_report(const std::string& path, const Report& report);

std::string base64(const std::string& bytes);
std::string html_escape(const std::string& s);

}  // namespace uflow::app
