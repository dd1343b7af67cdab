// A self-contained HTML report (no external files): metric tables, ROC curves and score
// histograms drawn as inline SVG, and a grid of image / ground truth / anomaly map / NFA mask
// with images embedded as base64 PNGs, grouped in collapsible sections, each column headed by
// its colour bar. Opens in any browser.
#pragma once
#include <array>
#include <optional>
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
  std::string y_label = "true positive rate";
};

// Counts of two groups of images over one axis (e.g. good vs. defective image scores), drawn
// as overlaid bars. Values are already on the axis's scale (e.g. signed log10).
struct ReportHistogram {
  std::string title, x_label;
  std::vector<std::pair<double, std::string>> x_ticks;              // (axis value, label)
  std::vector<std::pair<std::string, std::vector<double>>> series;  // (name, values)
  std::optional<std::pair<double, std::string>> marker;             // a vertical line, labelled
};

// A colour bar under a grid column's title. Empty colours: no bar.
struct ReportLegend {
  std::vector<std::array<float, 3>> colours;          // left to right, evenly spaced
  bool discrete = false;                              // colours as separate boxes (e.g. 0/1 masks)
  std::vector<std::pair<double, std::string>> ticks;  // (position in [0, 1], label)
  std::optional<double> marker;                       // position of a marked line (a threshold)
  std::string unit;                                   // what the colours measure
};

struct ReportRow {
  std::string group;  // collapsible section the row belongs to, e.g. "bottle / broken"
  std::string name;
  std::string caption;         // e.g. "score 0.73 · defect scratch"
  std::vector<Tensor> panels;  // each (3, H, W) in [0, 1]
};

struct Report {
  std::string title;
  std::string subtitle;
  std::vector<ReportTable> tables;
  std::vector<ReportCurve> curves;
  std::vector<ReportHistogram> histograms;
  std::vector<std::string> panel_titles;    // column headings of the image grid
  std::vector<ReportLegend> panel_legends;  // one per panel title (may be empty)
  std::string grid_note;                    // which images the grid shows
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
