// A test set described by a CSV file instead of the MVTec AD folders, for any layout:
//   path,label[,mask]
// one row per image, an optional header row (first field "path"). Relative paths are read
// from the CSV file's folder. label: good, normal or 0 for a normal image; anomalous,
// anomaly or 1 for an anomalous one; any other word is an anomalous image of that defect type
// (the report groups by it). mask: a mask image for an anomalous image, empty otherwise.
// Masks are all or nothing, as in the MVTec layout: without any, the pixel metrics are n/a.
#pragma once
#include <string>

#include "apps/data/dataset.h"

namespace uflow::app {

// The test set of the file (Category::train stays empty); its name is the file's stem.
// Throws one line naming the file, the row and the problem.
Category read_labels(const std::string& csv_path);

}  // namespace uflow::app
