#include "apps/data/dataset.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include "tensor/error.h"

namespace fs = std::filesystem;

namespace uflow::app {

bool is_image_file(const std::string& path) {
  std::string ext = fs::path(path).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), ::tolower);
  return ext == ".png" || ext == ".jpg" || ext == ".jpeg" || ext == ".bmp";
}

std::string category_name(const std::string& folder) {
  const fs::path p = fs::path(folder).lexically_normal();
  return (p.filename().empty() ? p.parent_path().filename() : p.filename()).string();
}

std::vector<std::string> list_images(const std::string& dir) {
  UFLOW_CHECK(fs::is_directory(dir), dir, ": folder not found");
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.is_regular_file() && is_image_file(e.path().string())) out.push_back(e.path().string());
  std::sort(out.begin(), out.end());
  return out;
}

namespace {

std::vector<std::string> sub_folders(const fs::path& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.is_directory()) out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

std::string joined(const std::vector<std::string>& v) {
  std::string out;
  for (const std::string& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}

}  // namespace

Category scan_mvtec(const std::string& root_in, ScanPart part) {
  const fs::path root = fs::path(root_in).lexically_normal();
  UFLOW_CHECK(fs::is_directory(root), root.string(), ": dataset folder not found");
  Category c;
  c.root = root.string();
  c.name = category_name(root_in);
  const fs::path train = root / "train" / "good";
  UFLOW_CHECK(fs::is_directory(train), train.string(),
              ": folder not found (expected the MVTec AD layout <category>/train/good)");
  for (const std::string& p : list_images(train.string()))
    c.train.push_back({p, "", "good", "train/" + fs::path(p).stem().string(), false});
  UFLOW_CHECK(!c.train.empty(), train.string(), ": no training images (PNG, JPEG or BMP)");

  const fs::path test = root / "test";
  if (part == ScanPart::train || !fs::is_directory(test)) return c;
  const std::vector<std::string> types = sub_folders(test);
  // Masks are all or nothing: a defect type without its ground_truth folder next to types
  // with one would make the pixel metrics silently count its defects as normal pixels.
  const fs::path gt = root / "ground_truth";
  std::vector<std::string> with_masks, without_masks;
  for (const std::string& type : types) {
    if (type == "good") continue;
    (fs::is_directory(gt / type) ? with_masks : without_masks).push_back(type);
  }
  UFLOW_CHECK(with_masks.empty() || without_masks.empty(), gt.string(), ": masks for defect types ",
              joined(with_masks), " but not for ", joined(without_masks),
              " (give masks for every defect type or for none)");
  c.pixel_labels = without_masks.empty();
  for (const std::string& type : types) {
    for (const std::string& p : list_images((test / type).string())) {
      Sample s;
      s.image = p;
      s.defect = type;
      s.name = type + "/" + fs::path(p).stem().string();
      s.anomalous = type != "good";
      if (s.anomalous && c.pixel_labels) {
        const fs::path mask = gt / type / (fs::path(p).stem().string() + "_mask.png");
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

std::vector<Sample> scan_inputs(const std::vector<std::string>& inputs) {
  UFLOW_CHECK(!inputs.empty(), "no images given");
  std::vector<Sample> out;
  for (const std::string& in : inputs) {
    std::vector<Sample> add;
    if (fs::is_directory(fs::path(in) / "test"))
      add = scan_mvtec(in).test;
    else if (fs::is_directory(in))
      add = scan_folder(in);
    else {
      UFLOW_CHECK(fs::is_regular_file(in), in, ": no such file or folder");
      UFLOW_CHECK(is_image_file(in), in, ": not an image file (PNG, JPEG or BMP)");
      add.push_back({in, "", "", fs::path(in).stem().string(), false});
    }
    out.insert(out.end(), add.begin(), add.end());
  }
  make_names_unique(out);
  return out;
}

void make_names_unique(std::vector<Sample>& samples) {
  std::map<std::string, int> count;
  for (const Sample& s : samples) ++count[s.name];
  std::set<std::string> used;  // unique names first: a renamed one must not take theirs
  for (const Sample& s : samples)
    if (count[s.name] == 1) used.insert(s.name);
  for (Sample& s : samples) {
    if (count[s.name] > 1) {
      fs::path p = fs::path(s.image).parent_path();
      std::string name = s.name;
      while (!p.empty() && p.has_filename() && used.count(name)) {
        name = p.filename().string() + "/" + name;
        p = p.parent_path();
      }
      for (int k = 2; used.count(name); ++k) name = s.name + "~" + std::to_string(k);
      s.name = name;
    }
    used.insert(s.name);
  }
}

bool has_pixel_labels(const std::vector<Sample>& samples) {
  for (const Sample& s : samples)
    if (s.anomalous && s.mask.empty()) return false;
  return true;
}

}  // namespace uflow::app
