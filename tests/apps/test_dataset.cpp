// Data folders: the MVTec AD layout (with or without masks), plain folders, files, labels CSV
// files, and one-line errors naming what is missing.
#include <filesystem>
#include <set>

#include "apps/apps_test_util.h"
#include "apps/data/dataset.h"
#include "apps/data/labels_file.h"
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

TEST_CASE("a test set without ground_truth has image labels only; train never reads test/") {
  const test::ScratchDir dir("dataset-nomasks");
  const fs::path root = dir.path() / "cells";
  test::write_tiny_category(root.string(), 16, 2, 1);
  fs::remove_all(root / "ground_truth");
  const app::Category c = app::scan_mvtec(root.string());
  CHECK_FALSE(c.pixel_labels);
  CHECK(c.test.size() == 4);
  int anomalous = 0;
  for (const auto& s : c.test) {
    anomalous += s.anomalous;
    CHECK(s.mask.empty());
  }
  CHECK(anomalous == 3);
  CHECK_FALSE(app::has_pixel_labels(c.test));
  CHECK(app::scan_mvtec((dir.path() / "cells").string() + "/").name == "cells");

  // Masks for some defect types only: an error naming both groups.
  fs::create_directories(root / "ground_truth" / "blob");
  const std::string err = test::error_of([&] { app::scan_mvtec(root.string()); });
  CHECK(err.find("masks for defect types blob but not for color_spot, scratch") !=
        std::string::npos);
  // A broken test set does not stop training, which needs train/good only.
  const app::Category t = app::scan_mvtec(root.string(), app::ScanPart::train);
  CHECK(t.train.size() == 2);
  CHECK(t.test.empty());
}

TEST_CASE("scan_inputs takes files, folders and categories, and keeps output names unique") {
  const test::ScratchDir dir("dataset-inputs");
  const fs::path cat = dir.path() / "category";
  test::write_tiny_category(cat.string(), 16, 2, 1);
  const fs::path good = cat / "test" / "good";
  const fs::path train = cat / "train" / "good";
  const std::string file = (train / "000.png").string();
  const auto s = app::scan_inputs({file, train.string(), cat.string()});
  REQUIRE(s.size() == 1 + 2 + 4);
  CHECK(s[0].image == file);
  CHECK(s[0].name == "000");
  // The same stem again: its folders are prepended until the name is unused (good/000 is the
  // test image's).
  CHECK(s[1].name == "train/good/000");
  CHECK(s[2].name == "001");
  CHECK(s[3].name == "blob/000");
  std::set<std::string> names;
  for (const auto& x : s) names.insert(x.name);
  CHECK(names.size() == s.size());
  CHECK(test::error_of([&] {
          app::scan_inputs({(dir.path() / "none.png").string()});
        }).find("none.png: no such file or folder") != std::string::npos);
  test::write_text(dir.file("notes.txt"), "x");
  CHECK(test::error_of([&] {
          app::scan_inputs({dir.file("notes.txt")});
        }).find("notes.txt: not an image file") != std::string::npos);
}

TEST_CASE("a labels CSV describes a test set: RFC 4180 quoting, labels, masks all or none") {
  const test::ScratchDir dir("dataset-labels");
  const fs::path cat = dir.path() / "category";
  test::write_tiny_category(cat.string(), 16, 1, 1);
  // An image whose name holds a comma and a quote, reached through a quoted relative path.
  fs::copy_file(cat / "test" / "blob" / "000.png", dir.path() / "odd, \"name\".png");
  test::write_text(dir.file("set.csv"),
                   "path,label,mask\n"
                   "category/test/good/000.png,good,\n"
                   "\"odd, \"\"name\"\".png\",crack\n"
                   "category/test/scratch/000.png,1,\n");
  const app::Category c = app::read_labels(dir.file("set.csv"));
  CHECK(c.name == "set");
  REQUIRE(c.test.size() == 3);
  CHECK_FALSE(c.test[0].anomalous);
  CHECK(c.test[0].defect == "good");
  CHECK(c.test[1].anomalous);
  CHECK(c.test[1].defect == "crack");
  CHECK(c.test[1].image == (dir.path() / "odd, \"name\".png").string());
  CHECK(c.test[2].defect == "anomalous");
  CHECK_FALSE(c.pixel_labels);

  // With masks for every anomalous image (no header row this time).
  test::write_text(dir.file("masked.csv"),
                   "category/test/blob/000.png,blob,category/ground_truth/blob/000_mask.png\n"
                   "category/test/good/000.png,0\n");
  const app::Category m = app::read_labels(dir.file("masked.csv"));
  CHECK(m.pixel_labels);
  CHECK(m.test[0].mask == (cat / "ground_truth" / "blob" / "000_mask.png").string());

  const auto error = [&](const std::string& text) {
    test::write_text(dir.file("bad.csv"), text);
    return test::error_of([&] { app::read_labels(dir.file("bad.csv")); });
  };
  CHECK(error("category/test/blob/000.png,blob,category/ground_truth/blob/000_mask.png\n"
              "category/test/scratch/000.png,scratch\n")
            .find("1 anomalous images have masks but 1 have none (first: row 2)") !=
        std::string::npos);
  CHECK(error("path,label\nmissing.png,good\n").find("bad.csv: row 2: image") != std::string::npos);
  CHECK(error("category/test/good/000.png\n").find("row 1 has 1 fields") != std::string::npos);
  CHECK(error("\"category/test/good/000.png,good\n").find("bad.csv: not valid CSV") !=
        std::string::npos);
  CHECK(error("category/test/good/000.png,good,category/ground_truth/blob/000_mask.png\n")
            .find("a mask for a normal image") != std::string::npos);
  CHECK(error("path,label\n").find("no images listed") != std::string::npos);
}
