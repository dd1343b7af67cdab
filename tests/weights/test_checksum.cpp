// Integrity of what uflow writes: every dataset carries a Fletcher-32 checksum and the file's
// metadata the 1.10 format's checksums, so flipped bytes are a one-line error naming the file
// (and the dataset) instead of silently different values; files without checksums (fixtures
// written by h5py) still load.
#include <doctest/doctest.h>
#include <hdf5.h>

#include <fstream>
#include <random>

#include "test_util.h"
#include "weights/hdf5_file.h"
#include "weights/hdf5_layout.h"

using namespace uflow;
using uflow::test::error_of;

namespace {

Tensor ramp(const Shape& shape, DType dtype = DType::f32) {
  std::vector<double> v(static_cast<size_t>(shape_numel(shape)));
  for (size_t i = 0; i < v.size(); ++i) v[i] = 0.25 + 0.001 * double(i);
  return Tensor::from_vector(v, shape, dtype);
}

// File offset and size of the first chunk of a chunked dataset (HDF5's own answer).
std::pair<haddr_t, hsize_t> first_chunk(const std::string& path, const std::string& dataset) {
  const hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  const hid_t ds = H5Dopen2(file, dataset.c_str(), H5P_DEFAULT);
  const hid_t space = H5Dget_space(ds);
  std::vector<hsize_t> offset(static_cast<size_t>(H5Sget_simple_extent_ndims(space)));
  unsigned mask = 0;
  haddr_t addr = 0;
  hsize_t size = 0;
  const herr_t r = H5Dget_chunk_info(ds, space, 0, offset.data(), &mask, &addr, &size);
  H5Sclose(space);
  H5Dclose(ds);
  H5Fclose(file);
  REQUIRE(r >= 0);
  return {addr, size};
}

void flip_byte(const std::string& path, uint64_t offset) {
  std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
  f.seekg(static_cast<std::streamoff>(offset));
  char c = 0;
  f.get(c);
  f.seekp(static_cast<std::streamoff>(offset));
  f.put(static_cast<char>(c ^ 0x5a));
}

void write_sample(const std::string& path) {
  H5File f(path, 'w');
  f.set_attr("format", "sample");
  f.set_attr("epoch", int64_t{7});
  f.set_attr("clamp", 2.0);
  f.write_tensor("flow/a", ramp({64, 32}));
  f.write_tensor("flow/b", ramp({3, 5, 7}, DType::f64));
  f.write_ints("perm", {3, 1, 0, 2});
}

// Everything in the sample file, as text; throws when any read fails.
std::string read_sample(const std::string& path) {
  H5File f(path, 'r');
  std::string out = f.attr_string("format") + "|" + std::to_string(f.attr_int("epoch")) + "|" +
                    std::to_string(f.attr_double("clamp"));
  for (const char* name : {"flow/a", "flow/b"})
    for (double v : f.read_tensor(name).to_vector()) out += "|" + std::to_string(v);
  for (int64_t v : f.read_ints("perm")) out += "|" + std::to_string(v);
  return out;
}

}  // namespace

TEST_CASE("chunks are whole datasets up to the chunk size, then halved along leading dims") {
  CHECK(h5::chunk_dims({10, 20}, 4, 1 << 20) == std::vector<hsize_t>{10, 20});
  CHECK(h5::chunk_dims({1000, 1000}, 4, 1 << 20) == std::vector<hsize_t>{250, 1000});
  CHECK(h5::chunk_dims({1, 1, 4096, 4096}, 4, 1 << 20) == std::vector<hsize_t>{1, 1, 64, 4096});
  CHECK(h5::chunk_dims({3}, 8, 1) == std::vector<hsize_t>{1});
}

TEST_CASE("every non-empty dataset uflow writes is checksummed") {
  uflow::test::ScratchDir dir("h5sum");
  const std::string path = dir.file("s.h5");
  {
    H5File f(path, 'w');
    f.write_tensor("t", ramp({4, 3}));
    f.write_tensor("scalar", Tensor::scalar(1.5));
    f.write_tensor("empty", Tensor::empty({0, 3}));
    f.write_ints("ints", {1, 2, 3});
    f.create_rows("rows", 5, {2, 2}, DType::f32);
  }
  H5File f(path, 'r');
  CHECK(f.dataset_info("t").checksummed);
  CHECK(f.dataset_info("ints").checksummed);
  CHECK(f.dataset_info("rows").checksummed);
  // A scalar or empty dataset cannot be chunked, so it has no data checksum (its one value
  // sits in the checksummed metadata of the 1.10 format).
  CHECK_FALSE(f.dataset_info("scalar").checksummed);
  CHECK_FALSE(f.dataset_info("empty").checksummed);
  CHECK(f.read_tensor("empty").shape() == Shape{0, 3});
}

TEST_CASE("a flipped byte in a dataset is a checksum error naming the file and the dataset") {
  uflow::test::ScratchDir dir("h5flip");
  const std::string path = dir.file("c.h5");
  write_sample(path);
  const auto [addr, size] = first_chunk(path, "flow/a");
  REQUIRE(size == 64 * 32 * 4 + 4);  // the data and its 4-byte Fletcher-32 checksum
  flip_byte(path, addr + size / 2);
  const std::string msg = error_of([&] { H5File(path, 'r').read_tensor("flow/a"); });
  INFO(msg);
  CHECK(msg.rfind(path + ": cannot read dataset 'flow/a' (", 0) == 0);
  CHECK(msg.find("checksum") != std::string::npos);
  CHECK(msg.find('\n') == std::string::npos);
  // The other datasets are intact and still read.
  CHECK(H5File(path, 'r').read_ints("perm") == std::vector<int64_t>{3, 1, 0, 2});
}

TEST_CASE("50 flipped bytes anywhere: an error naming the file, or exactly the original") {
  uflow::test::ScratchDir dir("h5fuzz");
  const std::string good = dir.file("good.h5");
  write_sample(good);
  const std::string original = read_sample(good);
  const std::string bytes = uflow::test::read_all(good);
  int errors = 0, identical = 0;
  for (uint32_t seed = 0; seed < 200; ++seed) {
    std::mt19937 rng(seed);
    std::string bad = bytes;
    for (int k = 0; k < 50; ++k) bad[rng() % bad.size()] ^= static_cast<char>(1 + rng() % 255);
    const std::string path = dir.file("bad" + std::to_string(seed) + ".h5");
    std::ofstream(path, std::ios::binary) << bad;
    std::string got;
    const std::string msg = error_of([&] { got = read_sample(path); });
    if (msg == "<no error>") {
      INFO("seed ", seed);
      CHECK(got == original);
      ++identical;
    } else {
      INFO("seed ", seed, ": ", msg);
      CHECK(msg.rfind(path + ": ", 0) == 0);
      CHECK(msg.find('\n') == std::string::npos);
      ++errors;
    }
  }
  MESSAGE(errors, " corrupted files refused, ", identical, " unchanged in content");
  CHECK(errors > 150);
}

TEST_CASE("files without checksums (h5py fixtures) still load") {
  H5File f(std::string(UFLOW_FIXTURES_DIR) + "/flow/adam.h5", 'r');
  const std::vector<std::string> names = f.dataset_names();
  REQUIRE(!names.empty());
  const H5DatasetInfo info = f.dataset_info(names[0]);
  CHECK_FALSE(info.checksummed);
  CHECK(f.read_tensor(names[0], DType::f64).numel() == shape_numel(info.shape));
}
