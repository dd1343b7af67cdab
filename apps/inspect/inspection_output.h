// The two outputs of `uflow inspect`: an HDF5 file with every figure it measured and a
// self-contained HTML page (the style of the evaluation report, apps/report/html_report.h) with
// tables and inline SVG plots.
#pragma once
#include <string>

#include "apps/inspect/flow_inspection.h"

namespace uflow::app {

void write_inspection_h5(const std::string& path, const Inspection& r);
// title: first line of the page; source: what was inspected (checkpoint and inputs).
void write_inspection_html(const std::string& path, const Inspection& r, const std::string& title,
                           const std::string& source);

}  // namespace uflow::app
