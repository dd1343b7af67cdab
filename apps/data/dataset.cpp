#include "apps/data/dataset.h"

#include <algorithm>
#include <filesystem>

#include "tensor/error.h"

namespace fs = std::filesystem;

namespace uflow::app {

bool is_image_file(const std::string& path) {
  std::string ext = fs::path(path).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), ::tolower);
  return ext == ".png" || ext == ".jpg" || ext == ".jpeg" || ext == ".bmp";
}

std::vector<std::string> list_images(const std::string& dir) {
  UFLOW_CHECK(fs::is_directory(dir), dir, ": folder not found");
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.is_regular_file() && is_image_file(e.path().string())) out.push_back(e.path().string());
  std::sort(out.begin(), out.end());
  return out;
}

Category scan_mvtec(const std::string& root_in) {
  const fs::path root = fs::path(root_in).lexically_normal();
  UFLOW_CHECK(fs::is_directory(root), root.string(), ": dataset folder not found");
  Category c;
  c.root = root.string();
  c.name = (root.filename().empty() ? root.parent_path().filename() : root.filename()).string();
  const fs::path train = root / "train" / "good";
  UFLOW_CHECK(fs::is_directory(train), train.string(),
              ": folder not found (expected the MVTec AD layout <category>/train/good)");
  for (const std::string& p : list_images(train.string()))
    c.train.push_back({p, "", "good", "train/" + fs::path(p).stem().string(), false});
  UFLOW_CHECK(!c.train.empty(), train.string(), ": no training images (PNG, JPEG or BMP)");

  const fs::path test = root / "test";
  if (!fs::is_directory(test)) return c;
  std::vector<std::string> types;
  for (const auto& e : fs::directory_iterator(test))
    if (e.is_directory()) types.push_back(e.path().filename().string());
  std::sort(types.begin(), types.end());
  for (const std::string& type : types) {
    for (const std::string& p : list_images((test / type).string())) {
      Sample s;
      s.image = p;
      s.defect = type;
      s.name = type + "/" + fs::path(p).stem().string();
      s.anomalous = type != "good";
      if (s.anomalous) {
        const fs::path mask =
            root / "ground_truth" / type / (fs::path(p).stem().string() + "_mask.png");
        UFLOW_CHECK(fs::is_regular_file(mask), mask.string(), ": mask missing for test image ", p);
        s.mask = mask.string();
      }
      c.test.push_back(s);
    }
  }
  return c;
}

std::vector<Sample> scan_folder(const std::string& dir) {
  std::vector<Sample> out;
  for (const std::string& p : list_images(dir))
    out.push_back({p, "", "", fs::path(p).stem().string(), false});
  UFLOW_CHECK(!out.empty(), dir, ": no images (PNG, JPEG or BMP)");
  return out;
}

}  // namespace uflow::app
