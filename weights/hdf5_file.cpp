#include "weights/hdf5_file.h"

#include <hdf5.h>

#include <filesystem>

#include "tensor/ops.h"

namespace uflow {
namespace {

// HDF5 prints its own error stack to stderr by default; uflow reports errors itself.
void silence_hdf5() {
  static const bool done = [] {
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    return true;
  }();
  (void)done;
}

struct Handle {
  hid_t id;
  herr_t (*close)(hid_t);
  ~Handle() {
    if (id >= 0) close(id);
  }
};

}  // namespace

H5File::H5File(const std::string& path, char mode) : path_(path) {
  silence_hdf5();
  if (mode == 'w') {
    id_ = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    UFLOW_CHECK(id_ >= 0, path, ": cannot create HDF5 file");
  } else {
    UFLOW_CHECK(std::filesystem::exists(path), path, ": file not found");
    UFLOW_CHECK(H5Fis_hdf5(path.c_str()) > 0, path, ": not an HDF5 file");
    id_ = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    UFLOW_CHECK(id_ >= 0, path, ": cannot open HDF5 file");
  }
}

H5File::~H5File() {
  if (id_ >= 0) H5Fclose(id_);
}

bool H5File::has(const std::string& name) const {
  // Check each path component so a missing group is not an error.
  size_t pos = 0;
  while (true) {
    pos = name.find('/', pos + 1);
    const std::string prefix = name.substr(0, pos);
    if (H5Lexists(id_, prefix.c_str(), H5P_DEFAULT) <= 0) return false;
    if (pos == std::string::npos) return true;
  }
}

std::vector<std::string> H5File::names(const std::string& group) const {
  std::vector<std::string> out;
  if (!has(group)) return out;
  Handle g{H5Gopen2(id_, group.c_str(), H5P_DEFAULT), H5Gclose};
  H5G_info_t info;
  UFLOW_CHECK(g.id >= 0 && H5Gget_info(g.id, &info) >= 0, path_, ": cannot read group ", group);
  for (hsize_t i = 0; i < info.nlinks; ++i) {
    char buf[512];
    const ssize_t n = H5Lget_name_by_idx(g.id, ".", H5_INDEX_NAME, H5_ITER_INC, i, buf,
                                         sizeof buf, H5P_DEFAULT);
    if (n > 0) out.emplace_back(buf, static_cast<size_t>(n));
  }
  return out;
}

int64_t H5File::ensure_parent(const std::string& name) {
  size_t pos = 0;
  while ((pos = name.find('/', pos + 1)) != std::string::npos) {
    const std::string prefix = name.substr(0, pos);
    if (H5Lexists(id_, prefix.c_str(), H5P_DEFAULT) <= 0) {
      Handle g{H5Gcreate2(id_, prefix.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose};
      UFLOW_CHECK(g.id >= 0, path_, ": cannot create group ", prefix);
    }
  }
  return 0;
}

void H5File::write_tensor(const std::string& name, const Tensor& t) {
  ensure_parent(name);
  const Tensor c = kernels::contiguous(kernels::to_device(t, Device::cpu));
  std::vector<hsize_t> dims(c.shape().begin(), c.shape().end());
  Handle space{H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), H5Sclose};
  const hid_t type = c.dtype() == DType::f32 ? H5T_NATIVE_FLOAT : H5T_NATIVE_DOUBLE;
  Handle ds{H5Dcreate2(id_, name.c_str(), type, space.id, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
            H5Dclose};
  UFLOW_CHECK(ds.id >= 0 && H5Dwrite(ds.id, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, c.raw_data()) >= 0,
              path_, ": cannot write dataset ", name);
}

Tensor H5File::read_tensor(const std::string& name) const {
  UFLOW_CHECK(has(name), path_, ": dataset '", name, "' is missing");
  Handle ds{H5Dopen2(id_, name.c_str(), H5P_DEFAULT), H5Dclose};
  Handle space{H5Dget_space(ds.id), H5Sclose};
  Handle type{H5Dget_type(ds.id), H5Tclose};
  UFLOW_CHECK(ds.id >= 0 && space.id >= 0, path_, ": cannot open dataset ", name);
  const int nd = H5Sget_simple_extent_ndims(space.id);
  std::vector<hsize_t> dims(nd);
  H5Sget_simple_extent_dims(space.id, dims.data(), nullptr);
  UFLOW_CHECK(H5Tget_class(type.id) == H5T_FLOAT, path_, ": dataset '", name,
              "' is not floating point");
  const DType dt = H5Tget_size(type.id) == 4 ? DType::f32 : DType::f64;
  Tensor t = Tensor::empty(Shape(dims.begin(), dims.end()), dt);
  UFLOW_CHECK(H5Dread(ds.id, dt == DType::f32 ? H5T_NATIVE_FLOAT : H5T_NATIVE_DOUBLE, H5S_ALL,
                      H5S_ALL, H5P_DEFAULT, t.raw_data()) >= 0,
              path_, ": cannot read dataset ", name);
  return t;
}

void H5File::write_ints(const std::string& name, const std::vector<int64_t>& v) {
  ensure_parent(name);
  hsize_t n = v.size();
  Handle space{H5Screate_simple(1, &n, nullptr), H5Sclose};
  Handle ds{H5Dcreate2(id_, name.c_str(), H5T_NATIVE_INT64, space.id, H5P_DEFAULT, H5P_DEFAULT,
                       H5P_DEFAULT),
            H5Dclose};
  UFLOW_CHECK(ds.id >= 0 &&
                  H5Dwrite(ds.id, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()) >= 0,
              path_, ": cannot write dataset ", name);
}

std::vector<int64_t> H5File::read_ints(const std::string& name) const {
  UFLOW_CHECK(has(name), path_, ": dataset '", name, "' is missing");
  Handle ds{H5Dopen2(id_, name.c_str(), H5P_DEFAULT), H5Dclose};
  Handle space{H5Dget_space(ds.id), H5Sclose};
  const hssize_t n = H5Sget_simple_extent_npoints(space.id);
  std::vector<int64_t> v(static_cast<size_t>(std::max<hssize_t>(n, 0)));
  UFLOW_CHECK(H5Dread(ds.id, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()) >= 0,
              path_, ": cannot read dataset ", name);
  return v;
}

void H5File::set_attr(const std::string& key, const std::string& value) {
  Handle type{H5Tcopy(H5T_C_S1), H5Tclose};
  H5Tset_size(type.id, std::max<size_t>(value.size(), 1));
  Handle space{H5Screate(H5S_SCALAR), H5Sclose};
  Handle a{H5Acreate2(id_, key.c_str(), type.id, space.id, H5P_DEFAULT, H5P_DEFAULT), H5Aclose};
  UFLOW_CHECK(a.id >= 0 && H5Awrite(a.id, type.id, value.c_str()) >= 0, path_,
              ": cannot write attribute ", key);
}

void H5File::set_attr(const std::string& key, double value) {
  Handle space{H5Screate(H5S_SCALAR), H5Sclose};
  Handle a{H5Acreate2(id_, key.c_str(), H5T_NATIVE_DOUBLE, space.id, H5P_DEFAULT, H5P_DEFAULT),
           H5Aclose};
  UFLOW_CHECK(a.id >= 0 && H5Awrite(a.id, H5T_NATIVE_DOUBLE, &value) >= 0, path_,
              ": cannot write attribute ", key);
}

void H5File::set_attr(const std::string& key, int64_t value) {
  Handle space{H5Screate(H5S_SCALAR), H5Sclose};
  Handle a{H5Acreate2(id_, key.c_str(), H5T_NATIVE_INT64, space.id, H5P_DEFAULT, H5P_DEFAULT),
           H5Aclose};
  UFLOW_CHECK(a.id >= 0 && H5Awrite(a.id, H5T_NATIVE_INT64, &value) >= 0, path_,
              ": cannot write attribute ", key);
}

bool H5File::has_attr(const std::string& key) const {
  return H5Aexists(id_, key.c_str()) > 0;
}

std::string H5File::attr_string(const std::string& key) const {
  UFLOW_CHECK(has_attr(key), path_, ": attribute '", key, "' is missing");
  Handle a{H5Aopen(id_, key.c_str(), H5P_DEFAULT), H5Aclose};
  Handle type{H5Aget_type(a.id), H5Tclose};
  UFLOW_CHECK(H5Tget_class(type.id) == H5T_STRING, path_, ": attribute '", key,
              "' is not a string");
  if (H5Tis_variable_str(type.id) > 0) {
    char* s = nullptr;
    Handle mem{H5Tcopy(H5T_C_S1), H5Tclose};
    H5Tset_size(mem.id, H5T_VARIABLE);
    UFLOW_CHECK(H5Aread(a.id, mem.id, &s) >= 0, path_, ": cannot read attribute ", key);
    std::string out = s ? s : "";
    H5free_memory(s);
    return out;
  }
  std::string buf(H5Tget_size(type.id), '\0');
  UFLOW_CHECK(H5Aread(a.id, type.id, buf.data()) >= 0, path_, ": cannot read attribute ", key);
  return buf.substr(0, buf.find('\0'));
}

double H5File::attr_double(const std::string& key) const {
  UFLOW_CHECK(has_attr(key), path_, ": attribute '", key, "' is missing");
  Handle a{H5Aopen(id_, key.c_str(), H5P_DEFAULT), H5Aclose};
  double v = 0;
  UFLOW_CHECK(H5Aread(a.id, H5T_NATIVE_DOUBLE, &v) >= 0, path_, ": cannot read attribute ", key);
  return v;
}

int64_t H5File::attr_int(const std::string& key) const {
  UFLOW_CHECK(has_attr(key), path_, ": attribute '", key, "' is missing");
  Handle a{H5Aopen(id_, key.c_str(), H5P_DEFAULT), H5Aclose};
  int64_t v = 0;
  UFLOW_CHECK(H5Aread(a.id, H5T_NATIVE_INT64, &v) >= 0, path_, ": cannot read attribute ", key);
  return v;
}

}  // namespace uflow
