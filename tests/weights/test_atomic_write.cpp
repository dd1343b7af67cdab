// Atomic writes: a failure while filling or moving the new file leaves the previous file
// byte for byte as it was and no temporary file behind.
#include <doctest/doctest.h>

#include <filesystem>

#include "test_util.h"
#include "weights/atomic_write.h"
#include "weights/weight_file.h"

using namespace uflow;
using uflow::test::error_of;
namespace fs = std::filesystem;

namespace {

WeightFileInfo info_v(const std::string& arch) {
  WeightFileInfo info;
  info.arch = arch;
  info.input_size = 32;
  return info;
}

}  // namespace

TEST_CASE("a successful write replaces the file and leaves no temporary") {
  uflow::test::ScratchDir dir("atomic-ok");
  const std::string path = dir.file("w.h5");
  save_weights(path, {{"a", Tensor::scalar(1.0)}}, info_v("first"));
  save_weights(path, {{"b", Tensor::scalar(2.0)}}, info_v("second"));
  CHECK(read_weight_info(path).arch == "second");
  CHECK(weight_keys(path) == std::vector<std::string>{"b"});
  CHECK_FALSE(fs::exists(path + ".tmp"));
}

TEST_CASE("a failure while writing keeps the old file intact") {
  uflow::test::ScratchDir dir("atomic-fail");
  const std::string path = dir.file("w.h5");
  save_weights(path, {{"a", Tensor::from_vector({1, 2, 3}, {3})}}, info_v("old"));
  const std::string before = uflow::test::read_all(path);

  SUBCASE("the fill step throws part-way") {
    const std::string msg = error_of([&] {
      write_h5_atomic(path, [](H5File& f) {
        f.set_attr("format", "uflow-weights");
        f.write_tensor("a", Tensor::from_vector({7, 8, 9}, {3}));
        f.write_tensor("a", Tensor::from_vector({7, 8, 9}, {3}));  // HDF5 refuses the duplicate
      });
    });
    CHECK(msg.rfind(path + ".tmp: cannot create dataset 'a' (H5Dcreate2: ", 0) == 0);
  }
  SUBCASE("the rename fails (the target became a folder)") {
    const std::string folder = dir.file("folder.h5");
    fs::create_directories(fs::path(folder) / "child");
    const std::string msg = error_of([&] {
      save_weights(folder, {{"a", Tensor::scalar(1.0)}}, info_v("new"));
    });
    CHECK(msg.rfind(folder + ": cannot move the new file into place (", 0) == 0);
    CHECK(fs::is_directory(folder));
    CHECK_FALSE(fs::exists(folder + ".tmp"));
  }
  CHECK(uflow::test::read_all(path) == before);
  CHECK(read_weight_info(path).arch == "old");
  CHECK(load_state(path, {{"a", {3}}}).at("a").to_vector() == std::vector<double>{1, 2, 3});
  CHECK_FALSE(fs::exists(path + ".tmp"));
}
