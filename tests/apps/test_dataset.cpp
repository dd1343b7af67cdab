// Data folders: the MVTec AD layout, plain folders, and one-line errors naming what is missing.
#include <filesystem>

#include "apps/apps_test_util.h"
#include "apps/data/dataset.h"
#include "test_util.h"

using namespace uflow;
namespace fs = std::filesystem;

TEST_CASE("synthetic category has the MVTec layout with a mask per defect image") {
  const test::ScratchDir dir("dataset-ok");
  const fs::path root = dir.path() / "category";
  test::write_tiny_category(root.string(), 32, 3, 2);
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
}

TEST_CASE("missing folders and masks are reported by path") {
  const test::ScratchDir dir("dataset-bad");
  const fs::path root = dir.path() / "category";
  CHECK_THROWS_WITH_AS(app::scan_mvtec(root.string()),
                       doctest::Contains("dataset folder not found"), Error);
  test::write_tiny_category(root.string(), 16, 1, 1);
  const fs::path mask = root / "ground_truth" / "blob" / "000_mask.png";
  fs::remove(mask);
  const std::string expected = mask.string() + ": mask missing for test image";
  CHECK_THROWS_WITH_AS(app::scan_mvtec(root.string()), doctest::Contains(expected.c_str()), Error);
  fs::remove_all(root / "train");
  CHECK_THROWS_WITH_AS(app::scan_mvtec(root.string()),
                       doctest::Contains("train/good: folder not found"), Error);
  CHECK_THROWS_WITH_AS(app::scan_folder((root / "nope").string()),
                       doctest::Contains("nope: folder not found"), Error);
}
