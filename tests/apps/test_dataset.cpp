// Data folders: the MVTec AD layout, plain folders, and one-line errors naming what is missing.
#include <filesystem>

#include "apps/data/dataset.h"
#include "apps/demo/synthetic_data.h"
#include "test_util.h"

using namespace uflow;
namespace fs = std::filesystem;

namespace {
fs::path fresh_dir(const std::string& name) {
  fs::path d = fs::temp_directory_path() / ("uflow_test_" + name);
  fs::remove_all(d);
  return d;
}
}  // namespace

TEST_CASE("synthetic category has the MVTec layout with a mask per defect image") {
  const fs::path root = fresh_dir("dataset_ok");
  app::SyntheticSpec spec;
  spec.size = 32;
  spec.train = 3;
  spec.test_good = 2;
  spec.test_per_defect = 1;
  app::write_synthetic_category(root.string(), spec);
  const app::Category c = app::scan_mvtec(root.string());
  CHECK(c.train.size() == 3);
  CHECK(c.test.size() == 5);
  int anomalous = 0;
  for (const auto& s : c.test) {
    anomalous += s.anomalous;
    CHECK(s.anomalous == !s.mask.empty());
    CHECK(s.name == s.defect + "/" + fs::path(s.image).stem().string());
  }
  CHECK(anomalous == 3);
  fs::remove_all(root);
}

TEST_CASE("missing folders and masks are reported by path") {
  const fs::path root = fresh_dir("dataset_bad");
  CHECK_THROWS_WITH_AS(app::scan_mvtec(root.string()),
                       doctest::Contains("dataset folder not found"), Error);
  app::SyntheticSpec spec;
  spec.size = 16;
  spec.train = 1;
  spec.test_good = 1;
  spec.test_per_defect = 1;
  app::write_synthetic_category(root.string(), spec);
  const fs::path mask = root / "ground_truth" / "blob" / "000_mask.png";
  fs::remove(mask);
  const std::string expected = mask.string() + ": mask missing for test image";
  CHECK_THROWS_WITH_AS(app::scan_mvtec(root.string()), doctest::Contains(expected.c_str()), Error);
  fs::remove_all(root / "train");
  CHECK_THROWS_WITH_AS(app::scan_mvtec(root.string()),
                       doctest::Contains("train/good: folder not found"), Error);
  CHECK_THROWS_WITH_AS(app::scan_folder((root / "nope").string()),
                       doctest::Contains("nope: folder not found"), Error);
  fs::remove_all(root);
}
