// Read-only access to the NFA fixtures (tests/fixtures/nfa/*.h5, written by
// tools/reference/nfa_reference.py) through the HDF5 C API: datasets as tensors, scalar
// attributes as doubles. Every failing call ends the test with a message naming the file.
#pragma once
#include <hdf5.h>

#include <string>
#include <utility>
#include <vector>

#include "tensor/error.h"
#include "tensor/tensor.h"

namespace uflow::test {

// Owns one HDF5 identifier and closes it with the matching H5*close.
class H5Handle {
 public:
  H5Handle(hid_t id, herr_t (*close)(hid_t)) : id_(id), close_(close) {}
  ~H5Handle() {
    if (id_ >= 0) close_(id_);
  }
  H5Handle(const H5Handle&) = delete;
  H5Handle& operator=(const H5Handle&) = delete;
  hid_t get() const { return id_; }
  bool ok() const { return id_ >= 0; }

 private:
  hid_t id_;
  herr_t (*close_)(hid_t);
};

class H5Fixture {
 public:
  explicit H5Fixture(std::string path)
      : path_(std::move(path)),
        file_(H5Fopen(path_.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose) {
    UFLOW_CHECK(file_.ok(), "cannot open fixture ", path_,
                " (run tools/reference/nfa_reference.py)");
  }

  bool has(const std::string& name) const {
    return H5Lexists(file_.get(), name.c_str(), H5P_DEFAULT) > 0;
  }

  // The dataset converted to `dtype` (HDF5 converts float32 <-> float64 on read).
  Tensor tensor(const std::string& name, DType dtype = DType::f32) const {
    H5Handle set(H5Dopen2(file_.get(), name.c_str(), H5P_DEFAULT), H5Dclose);
    UFLOW_CHECK(set.ok(), path_, ": no dataset ", name);
    H5Handle space(H5Dget_space(set.get()), H5Sclose);
    const int rank = H5Sget_simple_extent_ndims(space.get());
    UFLOW_CHECK(rank >= 0 && rank <= 8, path_, ": dataset ", name, " has rank ", rank);
    std::vector<hsize_t> dims(rank);
    H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr);
    Shape shape(dims.begin(), dims.end());
    Tensor t = Tensor::empty(shape, dtype, Device::cpu);
    const hid_t mem_type = dtype == DType::f32 ? H5T_NATIVE_FLOAT : H5T_NATIVE_DOUBLE;
    UFLOW_CHECK(H5Dread(set.get(), mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, t.raw_data()) >= 0,
                path_, ": cannot read ", name);
    return t;
  }

  double attr(const std::string& name) const {
    H5Handle a(H5Aopen(file_.get(), name.c_str(), H5P_DEFAULT), H5Aclose);
    UFLOW_CHECK(a.ok(), path_, ": no attribute ", name);
    double v = 0;
    UFLOW_CHECK(H5Aread(a.get(), H5T_NATIVE_DOUBLE, &v) >= 0, path_, ": cannot read ", name);
    return v;
  }

 private:
  std::string path_;
  H5Handle file_;
};

}  // namespace uflow::test
