#include "apps/data/labels_file.h"

#include <algorithm>
#include <filesystem>

#include "apps/data/csv_file.h"
#include "tensor/error.h"

namespace fs = std::filesystem;

namespace uflow::app {
namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), ::tolower);
  return s;
}

}  // namespace

Category read_labels(const std::string& csv_path) {
  const auto rows = read_csv(csv_path);
  const fs::path base = fs::path(csv_path).parent_path();
  Category c;
  c.root = base.string();
  c.name = fs::path(csv_path).stem().string();
  size_t first = 0;
  if (!rows.empty() && lower(rows[0][0]) == "path") first = 1;
  std::vector<size_t> without_mask, with_mask;  // rows of anomalous images
  for (size_t i = first; i < rows.size(); ++i) {
    const auto& r = rows[i];
    const size_t row = i + 1;
    UFLOW_CHECK(r.size() == 2 || r.size() == 3, csv_path, ": row ", row, " has ", r.size(),
                " fields, expected path,label[,mask]");
    UFLOW_CHECK(!r[0].empty(), csv_path, ": row ", row, ": empty image path");
    const auto resolve = [&](const std::string& p) {
      return fs::path(p).is_absolute() ? p : (base / p).lexically_normal().string();
    };
    Sample s;
    s.image = resolve(r[0]);
    UFLOW_CHECK(fs::is_regular_file(s.image), csv_path, ": row ", row, ": image ", s.image,
                " not found");
    const std::string label = lower(r[1]);
    UFLOW_CHECK(!label.empty(), csv_path, ": row ", row, ": empty label (good or anomalous)");
    s.anomalous = !(label == "good" || label == "normal" || label == "0");
    s.defect = !s.anomalous                                                   ? "good"
               : (label == "1" || label == "anomalous" || label == "anomaly") ? "anomalous"
                                                                              : r[1];
    s.name = s.defect + "/" + fs::path(s.image).stem().string();
    if (r.size() == 3 && !r[2].empty()) {
      UFLOW_CHECK(s.anomalous, csv_path, ": row ", row, ": a mask for a normal image");
      s.mask = resolve(r[2]);
      UFLOW_CHECK(fs::is_regular_file(s.mask), csv_path, ": row ", row, ": mask ", s.mask,
                  " not found");
    }
    if (s.anomalous) (s.mask.empty() ? without_mask : with_mask).push_back(row);
    c.test.push_back(s);
  }
  UFLOW_CHECK(!c.test.empty(), csv_path, ": no images listed (rows path,label[,mask])");
  UFLOW_CHECK(with_mask.empty() || without_mask.empty(), csv_path, ": ", with_mask.size(),
              " anomalous images have masks but ", without_mask.size(), " have none (first: row ",
              without_mask.empty() ? 0 : without_mask[0],
              "); give masks for all anomalous images or for none");
  make_names_unique(c.test);
  c.pixel_labels = without_mask.empty();
  return c;
}

}  // namespace uflow::app
