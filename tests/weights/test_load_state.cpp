// Weight files: save/load round trip with attributes, and each way a file can disagree with
// the model gives one line naming the file and the first offending key.
#include <doctest/doctest.h>

#include "test_util.h"
#include "weights/hdf5_file.h"
#include "weights/weight_file.h"

using namespace uflow;
using uflow::test::error_of;

namespace {

std::vector<std::pair<std::string, Tensor>> model_tensors() {
  return {
      {"patch_embed.proj.weight", Tensor::from_vector({1, 2, 3, 4, 5, 6}, {2, 3}, DType::f32)},
      {"blocks.0.gamma_1", Tensor::from_vector({0.5, -0.25}, {2}, DType::f32)},
      {"norm.bias", Tensor::from_vector({1e-3, 2e-3}, {2}, DType::f64)},
      {"head.weight", Tensor::from_vector({9}, {1, 1}, DType::f32)},
  };
}

const ExpectedShapes kExpected{
    {"patch_embed.proj.weight", {2, 3}}, {"blocks.0.gamma_1", {2}}, {"norm.bias", {2}}};

WeightFileInfo model_info() {
  WeightFileInfo info;
  info.arch = "cait_tiny_test";
  info.input_size = 64;
  info.mean = {0.485, 0.456, 0.406};
  info.std = {0.229, 0.224, 0.225};
  return info;
}

// Writes a weight file by hand so tests can break one thing at a time.
void write_raw(const std::string& path, const std::string& format, int64_t version,
               const std::vector<std::pair<std::string, Tensor>>& tensors) {
  H5File f(path, 'w');
  f.set_attr("format", format);
  f.set_attr("version", version);
  for (const auto& [k, t] : tensors) f.write_tensor(k, t);
}

}  // namespace

TEST_CASE("save_weights then load_state returns the same tensors and attributes") {
  uflow::test::ScratchDir dir("ws-roundtrip");
  const std::string path = dir.file("w.h5");
  save_weights(path, model_tensors(), model_info());

  const WeightFileInfo info = read_weight_info(path);
  CHECK(info.arch == "cait_tiny_test");
  CHECK(info.input_size == 64);
  CHECK(info.mean == std::vector<double>{0.485, 0.456, 0.406});
  CHECK(info.std == std::vector<double>{0.229, 0.224, 0.225});
  CHECK(weight_keys(path) == std::vector<std::string>{"blocks.0.gamma_1", "head.weight",
                                                      "norm.bias", "patch_embed.proj.weight"});

  const auto loaded = load_state(path, kExpected, {"head."});
  REQUIRE(loaded.size() == 3);
  for (const auto& [key, t] : model_tensors()) {
    if (key == "head.weight") {
      CHECK(loaded.count(key) == 0);
      continue;
    }
    const Tensor& r = loaded.at(key);
    CHECK(r.dtype() == t.dtype());
    CHECK(r.shape() == t.shape());
    CHECK(r.to_vector() == t.to_vector());
  }
  // The file format as documented: flat root datasets and root attributes.
  H5File f(path, 'r');
  CHECK(f.attr_string("format") == "uflow-weights");
  CHECK(f.attr_int("version") == 1);
  CHECK(f.dataset_names().size() == 4);
}

TEST_CASE("load_state names the first missing, mis-shaped, wrong-dtype or extra key") {
  uflow::test::ScratchDir dir("ws-errors");
  const std::string path = dir.file("w.h5");
  save_weights(path, model_tensors(), model_info());

  SUBCASE("extra key unless ignorable") {
    CHECK(error_of([&] { load_state(path, kExpected); }) ==
          path + ": unexpected key 'head.weight' (not a parameter of the model)");
    CHECK(error_of([&] { load_state(path, kExpected, {"head"}); }) == "<no error>");
  }
  SUBCASE("missing key") {
    ExpectedShapes more = kExpected;
    more.insert(more.begin() + 1, {"blocks.0.gamma_2", {2}});
    more.push_back({"norm.weight", {2}});
    CHECK(error_of([&] { load_state(path, more, {"head."}); }) ==
          path + ": key 'blocks.0.gamma_2' is missing");
  }
  SUBCASE("mis-shaped key gives both shapes") {
    ExpectedShapes bad = kExpected;
    bad[0].second = {3, 2};
    CHECK(error_of([&] { load_state(path, bad, {"head."}); }) ==
          path + ": key 'patch_embed.proj.weight' has shape [2, 3], expected [3, 2]");
  }
  SUBCASE("wrong dtype") {
    const std::string p2 = dir.file("ints.h5");
    {
      H5File f(p2, 'w');
      f.set_attr("format", "uflow-weights");
      f.set_attr("version", int64_t{1});
      f.write_tensor("patch_embed.proj.weight", model_tensors()[0].second);
      f.write_ints("blocks.0.gamma_1", {1, 2});
      f.write_tensor("norm.bias", model_tensors()[2].second);
    }
    CHECK(error_of([&] { load_state(p2, kExpected); }) ==
          p2 + ": key 'blocks.0.gamma_1' has dtype int64, expected float32 or float64");
  }
}

TEST_CASE("load_state rejects files that are not uflow weights of this version") {
  uflow::test::ScratchDir dir("ws-format");
  const auto tensors = model_tensors();

  const std::string missing = dir.file("missing.h5");
  CHECK(error_of([&] { load_state(missing, kExpected); }) == missing + ": file not found");

  const std::string text = dir.file("text.h5");
  uflow::test::write_text(text, "PK\x03\x04 a zip, not HDF5");
  CHECK(error_of([&] { load_state(text, kExpected); }) == text + ": not an HDF5 file");

  const std::string no_format = dir.file("no_format.h5");
  {
    H5File f(no_format, 'w');
    f.write_tensor("x", tensors[0].second);
  }
  CHECK(error_of([&] { load_state(no_format, kExpected); }) ==
        no_format + ": not a uflow weights file (no 'format' attribute; expected 'uflow-weights')");

  const std::string ckpt = dir.file("ckpt.h5");
  write_raw(ckpt, "uflow-checkpoint", 1, tensors);
  CHECK(error_of([&] { load_state(ckpt, kExpected); }) ==
        ckpt + ": not a uflow weights file (format 'uflow-checkpoint', expected 'uflow-weights')");

  const std::string v2 = dir.file("v2.h5");
  write_raw(v2, "uflow-weights", 2, tensors);
  CHECK(error_of([&] { load_state(v2, kExpected); }) ==
        v2 + ": weights format version 2, this uflow reads version 1");
  CHECK(error_of([&] { read_weight_info(v2); }) ==
        v2 + ": weights format version 2, this uflow reads version 1");
}

TEST_CASE("save_weights refuses duplicate or grouped keys before touching the disk") {
  uflow::test::ScratchDir dir("ws-keys");
  const std::string path = dir.file("w.h5");
  auto dup = model_tensors();
  dup.push_back(dup[1]);
  CHECK(error_of([&] { save_weights(path, dup, model_info()); }) ==
        path + ": key 'blocks.0.gamma_1' given twice");
  CHECK(error_of([&] {
          save_weights(path, {{"a/b", Tensor::scalar(1.0)}}, model_info());
        }) == path + ": invalid key 'a/b' (keys are flat names without '/')");
  CHECK_FALSE(std::filesystem::exists(path));
  CHECK_FALSE(std::filesystem::exists(path + ".tmp"));
}
