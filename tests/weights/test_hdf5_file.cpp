// H5File: tensors, integer vectors and attributes survive a write/read round trip bit for bit,
// dotted names stay flat, and failures are single uflow::Error lines with HDF5 kept quiet.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <unistd.h>

#include <cstring>

#include "tensor/ops.h"
#include "test_util.h"
#include "weights/hdf5_file.h"

using namespace uflow;
using uflow::test::error_of;

namespace {

Tensor ramp(const Shape& shape, DType dtype) {
  std::vector<double> v(static_cast<size_t>(shape_numel(shape)));
  // Values with full mantissas, so a lossy path (f64 -> f32 -> f64) would show.
  for (size_t i = 0; i < v.size(); ++i) v[i] = 1.0 / 3.0 + 0.1234567890123 * double(i) - 2.5;
  return Tensor::from_vector(v, shape, dtype);
}

}  // namespace

TEST_CASE("tensors round-trip exactly in f32 and f64, with dotted flat names") {
  uflow::test::ScratchDir dir("h5file");
  const std::string path = dir.file("t.h5");
  const Tensor a = ramp({2, 3, 4}, DType::f32);
  const Tensor b = ramp({5}, DType::f64);
  const Tensor s = Tensor::scalar(3.25, DType::f64);
  // A transposed (non-contiguous) view is written in logical order.
  const Tensor t = kernels::transpose(ramp({3, 2}, DType::f32), 0, 1);
  {
    H5File f(path, 'w');
    f.write_tensor("blocks.3.attn.qkv.weight", a);
    f.write_tensor("pos_embed", b);
    f.write_tensor("scalar", s);
    f.write_tensor("group/inner.t", t);
    f.write_ints("perm", {2, 0, 1});
  }
  H5File f(path, 'r');
  CHECK(f.dataset_names() ==
        std::vector<std::string>{"blocks.3.attn.qkv.weight", "perm", "pos_embed", "scalar"});
  CHECK(f.names("/") == std::vector<std::string>{"blocks.3.attn.qkv.weight", "group", "perm",
                                                 "pos_embed", "scalar"});
  CHECK(f.names("group") == std::vector<std::string>{"inner.t"});
  CHECK(f.has("group/inner.t"));
  CHECK_FALSE(f.has("missing/inner"));
  CHECK_FALSE(f.has("blocks"));

  const Tensor ra = f.read_tensor("blocks.3.attn.qkv.weight");
  CHECK(ra.dtype() == DType::f32);
  CHECK(ra.shape() == a.shape());
  CHECK(ra.to_vector() == a.to_vector());
  const Tensor rb = f.read_tensor("pos_embed");
  CHECK(rb.dtype() == DType::f64);
  CHECK(rb.to_vector() == b.to_vector());
  const Tensor rs = f.read_tensor("scalar");
  CHECK(rs.shape() == Shape{});
  CHECK(rs.item() == 3.25);
  const Tensor rt = f.read_tensor("group/inner.t");
  CHECK(rt.shape() == Shape{2, 3});
  CHECK(rt.to_vector() == t.to_vector());
  CHECK(f.read_ints("perm") == std::vector<int64_t>{2, 0, 1});

  // Conversion on read: f64 data as f32 and integers as f64.
  CHECK(f.read_tensor("pos_embed", DType::f32).to_floats() == b.to_floats());
  CHECK(f.read_tensor("perm", DType::f64).to_vector() == std::vector<double>{2, 0, 1});

  const H5DatasetInfo info = f.dataset_info("perm");
  CHECK(info.type_name == "int64");
  CHECK_FALSE(info.is_float);
  CHECK(f.dataset_info("pos_embed").type_name == "float64");
}

TEST_CASE("attributes: strings, numbers and arrays; rewriting replaces") {
  uflow::test::ScratchDir dir("h5attr");
  const std::string path = dir.file("a.h5");
  {
    H5File f(path, 'w');
    f.set_attr("arch", "cait_m48_448");
    f.set_attr("empty", std::string());
    f.set_attr("version", int64_t{1});
    f.set_attr("small", 7);  // plain int goes to the integer attribute
    f.set_attr("eps", 1e-6);
    f.set_attr("mean", std::vector<double>{0.485, 0.456, 0.406});
    f.set_attr("shape", std::vector<int64_t>{3, 448, 448});
    f.set_attr("arch", "cait_s24_224");
  }
  H5File f(path, 'r');
  CHECK(f.attr_string("arch") == "cait_s24_224");
  CHECK(f.attr_string("empty") == "");
  CHECK(f.attr_int("version") == 1);
  CHECK(f.attr_int("small") == 7);
  CHECK(f.attr_double("eps") == 1e-6);
  CHECK(f.attr_double("version") == 1.0);
  CHECK(f.attr_doubles("mean") == std::vector<double>{0.485, 0.456, 0.406});
  CHECK(f.attr_ints("shape") == std::vector<int64_t>{3, 448, 448});
  CHECK(f.has_attr("eps"));
  CHECK_FALSE(f.has_attr("nothing"));
  CHECK(error_of([&] { f.attr_string("nothing"); }) == path + ": attribute 'nothing' is missing");
  CHECK(error_of([&] { f.attr_int("eps"); }) == path + ": attribute 'eps' is not an integer");
  CHECK(error_of([&] { f.attr_string("eps"); }) == path + ": attribute 'eps' is not a string");
  CHECK(error_of([&] { f.attr_double("mean"); }) ==
        path + ": attribute 'mean' has 3 values, expected one");
}

TEST_CASE("opening failures name the file") {
  uflow::test::ScratchDir dir("h5open");
  const std::string missing = dir.file("missing.h5");
  CHECK(error_of([&] { H5File f(missing, 'r'); }) == missing + ": file not found");
  const std::string text = dir.file("text.h5");
  uflow::test::write_text(text, "this is not HDF5\n");
  CHECK(error_of([&] { H5File f(text, 'r'); }) == text + ": not an HDF5 file");
  const std::string no_dir = dir.file("no/such/dir/x.h5");
  const std::string msg = error_of([&] { H5File f(no_dir, 'w'); });
  CHECK(msg.rfind(no_dir + ": cannot create HDF5 file (H5Fcreate: ", 0) == 0);
}

TEST_CASE("reading the wrong kind of dataset fails with one line") {
  uflow::test::ScratchDir dir("h5kind");
  const std::string path = dir.file("k.h5");
  {
    H5File f(path, 'w');
    f.write_ints("ints", {1, 2});
    f.write_tensor("floats", Tensor::from_vector({1.5}, {1}, DType::f64));
  }
  H5File f(path, 'r');
  CHECK(error_of([&] { f.read_tensor("ints"); }) ==
        path + ": dataset 'ints' has type int64, expected float32 or float64");
  CHECK(error_of([&] { f.read_ints("floats"); }) ==
        path + ": dataset 'floats' has type float64, expected integers");
  CHECK(error_of([&] { f.read_tensor("nope"); }) == path + ": dataset 'nope' is missing");
}

TEST_CASE("HDF5 failures become uflow errors and print nothing to stderr") {
  uflow::test::ScratchDir dir("h5quiet");
  const std::string path = dir.file("q.h5");
  const std::string err_path = dir.file("stderr.txt");
  std::string msg;
  {
    // Capture file descriptor 2 itself: HDF5 writes there directly.
    fflush(stderr);
    const int saved = ::dup(2);
    const int fd = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(fd, 2);
    ::close(fd);
    msg = error_of([&] {
      H5File f(path, 'w');
      f.write_tensor("x", Tensor::scalar(1.0));
      f.write_tensor("x", Tensor::scalar(2.0));  // the name exists: H5Dcreate2 fails
    });
    fflush(stderr);
    ::dup2(saved, 2);
    ::close(saved);
  }
  CHECK(msg.rfind(path + ": cannot create dataset 'x' (H5Dcreate2: ", 0) == 0);
  CHECK(msg.find('\n') == std::string::npos);
  CHECK(uflow::test::read_all(err_path) == "");
}

TEST_CASE("row access writes and reads blocks of rows and names the dataset when out of range") {
  uflow::test::ScratchDir dir("h5rows");
  const std::string path = dir.file("r.h5");
  H5File f(path, 'w');
  f.create_rows("g/rows", 4, {2}, DType::f32);
  f.write_rows("g/rows", 1, Tensor::from_vector({1, 2, 3, 4}, {2, 2}, DType::f32));
  CHECK(f.read_rows("g/rows", 2, 1).to_vector() == std::vector<double>{3, 4});
  CHECK(f.read_rows("g/rows", 1, 2).shape() == Shape{2, 2});
  CHECK(error_of([&] { f.read_rows("g/rows", 3, 2); }) ==
        path + ": rows 3 to 5 are outside dataset 'g/rows' of shape [4, 2]");
  CHECK(error_of([&] {
          f.write_rows("g/rows", 0, Tensor::from_vector({1, 2, 3}, {1, 3}, DType::f32));
        }) == path + ": dataset 'g/rows' rows do not match a block of shape [1, 3]");
  f.write_tensor("scalar", Tensor::scalar(1.0));
  CHECK(error_of([&] { f.read_rows("scalar", 0, 1); }) ==
        path + ": rows 0 to 1 are outside dataset 'scalar' of shape []");
}

TEST_CASE("an attribute lookup HDF5 refuses is an error, not a missing attribute") {
  uflow::test::ScratchDir dir("h5attr-lookup");
  const std::string path = dir.file("a.h5");
  H5File f(path, 'w');
  CHECK(error_of([&] {
          f.has_attr("");
        }).rfind(path + ": cannot look up attribute '' (H5Aexists: ", 0) == 0);
}

TEST_CASE("close() closes the file once; the destructor then has nothing left to close") {
  uflow::test::ScratchDir dir("h5close");
  const std::string path = dir.file("c.h5");
  {
    H5File f(path, 'w');
    f.set_attr("k", int64_t{5});
    f.close();
    f.close();  // a second close does nothing
  }
  CHECK(H5File(path, 'r').attr_int("k") == 5);
}
