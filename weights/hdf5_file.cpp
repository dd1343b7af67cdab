#include "weights/hdf5_file.h"

#include <algorithm>
#include <filesystem>
#include <initializer_list>

#include "tensor/ops.h"
#include "weights/hdf5_check.h"
#include "weights/hdf5_layout.h"

namespace uflow {

using h5::Handle;

namespace {

// The class and the byte size of a datatype. `what` ("dataset 'x'", "attribute 'k'") names
// whose type it is in the error line.
H5T_class_t type_class(hid_t type, const std::string& path, const std::string& what) {
  return UFLOW_H5_CHECK(H5Tget_class(type), path, ": cannot read the type of ", what);
}

size_t type_size(hid_t type, const std::string& path, const std::string& what) {
  const size_t bytes = H5Tget_size(type);  // 0 is its failure value
  UFLOW_CHECK(bytes > 0, path, ": cannot read the type size of ", what,
              " (H5Tget_size: ", h5::last_error(), ")");
  return bytes;
}

std::string type_name_of(hid_t type, const std::string& path, const std::string& what) {
  const size_t bytes = type_size(type, path, what);
  switch (type_class(type, path, what)) {
    case H5T_FLOAT:
      return "float" + std::to_string(8 * bytes);
    case H5T_INTEGER: {
      const H5T_sign_t sign =
          UFLOW_H5_CHECK(H5Tget_sign(type), path, ": cannot read the sign of ", what);
      return std::string(sign == H5T_SGN_NONE ? "uint" : "int") + std::to_string(8 * bytes);
    }
    case H5T_STRING:
      return "string";
    case H5T_COMPOUND:
      return "compound";
    case H5T_ENUM:
      return "enum";
    default:
      return "non-numeric";
  }
}

hid_t native_type(DType t) {
  return t == DType::f32 ? H5T_NATIVE_FLOAT : H5T_NATIVE_DOUBLE;
}

Shape space_shape(hid_t space, const std::string& path, const std::string& name) {
  const int nd = UFLOW_H5_CHECK(H5Sget_simple_extent_ndims(space), path, ": dataset '", name,
                                "' has no simple shape");
  std::vector<hsize_t> dims(static_cast<size_t>(nd));
  if (nd > 0)
    UFLOW_H5_CHECK(H5Sget_simple_extent_dims(space, dims.data(), nullptr), path,
                   ": cannot read the shape of '", name, "'");
  // A corrupted or hostile header may claim any extent; beyond 2^40 elements no dataset can be
  // read and the element count would overflow further on.
  constexpr hsize_t kMaxElements = hsize_t{1} << 40;
  hsize_t n = 1;
  for (hsize_t d : dims) {
    UFLOW_CHECK(d <= kMaxElements && (d == 0 || n <= kMaxElements / d), path, ": dataset '", name,
                "' claims an impossible size (more than 2^40 elements)");
    n *= d;
  }
  return Shape(dims.begin(), dims.end());
}

// The tensor a whole-dataset read goes into; a shape too large for memory is an error naming
// the dataset rather than a bare std::bad_alloc.
Tensor allocate_for(const Shape& shape, DType dtype, const std::string& path,
                    const std::string& name) {
  try {
    return Tensor::empty(shape, dtype);
  } catch (const std::bad_alloc&) {
    UFLOW_FAIL(path, ": dataset '", name, "' of shape ", shape_str(shape),
               " does not fit in memory");
  }
}

}  // namespace

H5File::H5File(const std::string& path, char mode) : path_(path) {
  h5::silence_errors();
  if (mode == 'w') {
    const Handle access = h5::checksummed_file_access();
    id_ = UFLOW_H5_CHECK(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, access.get()), path,
                         ": cannot create HDF5 file");
    return;
  }
  UFLOW_CHECK(mode == 'r', path, ": unknown H5File mode '", mode, "'");
  std::error_code ec;
  UFLOW_CHECK(std::filesystem::is_regular_file(path, ec), path, ": file not found");
  UFLOW_CHECK(H5Fis_hdf5(path.c_str()) > 0, path, ": not an HDF5 file");
  h5::last_error();  // H5Fis_hdf5 may leave records on the stack
  id_ = UFLOW_H5_CHECK(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), path,
                       ": cannot open HDF5 file");
}

H5File::~H5File() {
  // A destructor cannot report failure; writers call close() to have it checked.
  if (id_ >= 0) H5Fclose(id_);
}

void H5File::close() {
  if (id_ < 0) return;
  const hid_t id = id_;
  id_ = -1;
  UFLOW_H5_CHECK(H5Fclose(id), path_, ": cannot close the HDF5 file");
}

bool H5File::has(const std::string& name) const {
  // H5Lexists fails (rather than answering false) when a parent group is missing, so each
  // prefix is checked in turn.
  size_t pos = 0;
  while (true) {
    pos = name.find('/', pos + 1);
    const std::string prefix = name.substr(0, pos);
    // Every shorter prefix exists and is a group (checked below), so a failure here is a
    // damaged file, not a missing name.
    if (UFLOW_H5_CHECK(H5Lexists(id_, prefix.c_str(), H5P_DEFAULT), path_, ": cannot look up '",
                       prefix, "'") == 0)
      return false;
    if (pos == std::string::npos) return true;
    // Only a group has children: below a dataset every longer name is absent.
    const Handle obj(UFLOW_H5_CHECK(H5Oopen(id_, prefix.c_str(), H5P_DEFAULT), path_,
                                    ": cannot inspect '", prefix, "'"),
                     H5Oclose);
    if (H5Iget_type(obj.get()) != H5I_GROUP) return false;
  }
}

std::vector<std::string> H5File::names(const std::string& group) const {
  std::vector<std::string> out;
  if (group != "/" && !has(group)) return out;
  Handle g(UFLOW_H5_CHECK(H5Gopen2(id_, group.c_str(), H5P_DEFAULT), path_, ": '", group,
                          "' is not a group"),
           H5Gclose);
  H5G_info_t info;
  UFLOW_H5_CHECK(H5Gget_info(g.get(), &info), path_, ": cannot read group '", group, "'");
  for (hsize_t i = 0; i < info.nlinks; ++i) {
    const ssize_t n = UFLOW_H5_CHECK(
        H5Lget_name_by_idx(g.get(), ".", H5_INDEX_NAME, H5_ITER_INC, i, nullptr, 0, H5P_DEFAULT),
        path_, ": cannot list group '", group, "'");
    std::string buf(static_cast<size_t>(n) + 1, '\0');
    UFLOW_H5_CHECK(H5Lget_name_by_idx(g.get(), ".", H5_INDEX_NAME, H5_ITER_INC, i, buf.data(),
                                      buf.size(), H5P_DEFAULT),
                   path_, ": cannot list group '", group, "'");
    buf.resize(static_cast<size_t>(n));
    out.push_back(std::move(buf));
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> H5File::dataset_names() const {
  std::vector<std::string> out;
  for (std::string& n : names("/")) {
    Handle obj(
        UFLOW_H5_CHECK(H5Oopen(id_, n.c_str(), H5P_DEFAULT), path_, ": cannot inspect '", n, "'"),
        H5Oclose);
    const H5I_type_t type =
        UFLOW_H5_CHECK(H5Iget_type(obj.get()), path_, ": cannot inspect '", n, "'");
    if (type == H5I_DATASET) out.push_back(std::move(n));
  }
  return out;
}

void H5File::ensure_parent(const std::string& name) {
  size_t pos = 0;
  while ((pos = name.find('/', pos + 1)) != std::string::npos) {
    const std::string prefix = name.substr(0, pos);
    if (!has(prefix))
      Handle(UFLOW_H5_CHECK(H5Gcreate2(id_, prefix.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                            path_, ": cannot create group '", prefix, "'"),
             H5Gclose);
  }
}

H5DatasetInfo H5File::dataset_info(const std::string& name) const {
  UFLOW_CHECK(has(name), path_, ": dataset '", name, "' is missing");
  Handle ds(UFLOW_H5_CHECK(H5Dopen2(id_, name.c_str(), H5P_DEFAULT), path_, ": '", name,
                           "' is not a dataset"),
            H5Dclose);
  Handle space(UFLOW_H5_CHECK(H5Dget_space(ds.get()), path_, ": cannot read '", name, "'"),
               H5Sclose);
  Handle type(UFLOW_H5_CHECK(H5Dget_type(ds.get()), path_, ": cannot read '", name, "'"), H5Tclose);
  const std::string what = "dataset '" + name + "'";
  H5DatasetInfo info;
  info.shape = space_shape(space.get(), path_, name);
  info.type_name = type_name_of(type.get(), path_, what);
  const size_t bytes = type_size(type.get(), path_, what);
  info.is_float = type_class(type.get(), path_, what) == H5T_FLOAT && (bytes == 4 || bytes == 8);
  info.dtype = bytes == 8 ? DType::f64 : DType::f32;
  info.checksummed = h5::has_fletcher32(ds.get());
  return info;
}

void H5File::write_tensor(const std::string& name, const Tensor& t) {
  ensure_parent(name);
  const Tensor c = kernels::contiguous(kernels::to_device(t, Device::cpu));
  const std::vector<hsize_t> dims(c.shape().begin(), c.shape().end());
  Handle space(UFLOW_H5_CHECK(dims.empty() ? H5Screate(H5S_SCALAR)
                                           : H5Screate_simple(static_cast<int>(dims.size()),
                                                              dims.data(), nullptr),
                              path_, ": cannot write dataset '", name, "'"),
               H5Sclose);
  const hid_t type = native_type(c.dtype());
  const Handle layout = h5::checksummed_creation(dims, h5::chunk_dims(dims, dtype_size(c.dtype())));
  Handle ds(UFLOW_H5_CHECK(H5Dcreate2(id_, name.c_str(), type, space.get(), H5P_DEFAULT,
                                      layout.get(), H5P_DEFAULT),
                           path_, ": cannot create dataset '", name, "'"),
            H5Dclose);
  if (c.numel() > 0)
    UFLOW_H5_CHECK(H5Dwrite(ds.get(), type, H5S_ALL, H5S_ALL, H5P_DEFAULT, c.raw_data()), path_,
                   ": cannot write dataset '", name, "'");
}

void H5File::create_rows(const std::string& name, int64_t rows, const Shape& row_shape,
                         DType dtype) {
  ensure_parent(name);
  std::vector<hsize_t> dims{static_cast<hsize_t>(rows)};
  for (int64_t d : row_shape) dims.push_back(static_cast<hsize_t>(d));
  Handle space(UFLOW_H5_CHECK(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr),
                              path_, ": cannot create dataset '", name, "'"),
               H5Sclose);
  // One row per chunk: rows are written and read one batch element at a time.
  std::vector<hsize_t> row_chunk = dims;
  row_chunk[0] = 1;
  const Handle layout =
      h5::checksummed_creation(dims, h5::chunk_dims(row_chunk, dtype_size(dtype)));
  Handle ds(UFLOW_H5_CHECK(H5Dcreate2(id_, name.c_str(), native_type(dtype), space.get(),
                                      H5P_DEFAULT, layout.get(), H5P_DEFAULT),
                           path_, ": cannot create dataset '", name, "'"),
            H5Dclose);
}

namespace {
// Selects rows [start, start + count) of a dataset in its file space; returns the shape of the
// selection (count, ...).
std::vector<hsize_t> select_rows(hid_t space, int64_t start, int64_t count, const std::string& path,
                                 const std::string& name) {
  const Shape shape = space_shape(space, path, name);
  UFLOW_CHECK(!shape.empty() && start >= 0 && count >= 0 && start + count <= shape[0], path,
              ": rows ", start, " to ", start + count, " are outside dataset '", name,
              "' of shape ", shape_str(shape));
  std::vector<hsize_t> off(shape.size(), 0), cnt(shape.begin(), shape.end());
  off[0] = static_cast<hsize_t>(start);
  cnt[0] = static_cast<hsize_t>(count);
  UFLOW_H5_CHECK(
      H5Sselect_hyperslab(space, H5S_SELECT_SET, off.data(), nullptr, cnt.data(), nullptr), path,
      ": cannot select rows of dataset '", name, "'");
  return cnt;
}

// The memory space of a block of rows.
Handle rows_space(const std::vector<hsize_t>& cnt, const std::string& path,
                  const std::string& name) {
  return Handle(UFLOW_H5_CHECK(H5Screate_simple(static_cast<int>(cnt.size()), cnt.data(), nullptr),
                               path, ": cannot address rows of dataset '", name, "'"),
                H5Sclose);
}
}  // namespace

void H5File::write_rows(const std::string& name, int64_t start, const Tensor& block) {
  const Tensor c = kernels::contiguous(kernels::to_device(block, Device::cpu));
  Handle ds(UFLOW_H5_CHECK(H5Dopen2(id_, name.c_str(), H5P_DEFAULT), path_,
                           ": cannot open dataset '", name, "'"),
            H5Dclose);
  Handle fspace(UFLOW_H5_CHECK(H5Dget_space(ds.get()), path_, ": dataset '", name, "'"), H5Sclose);
  const std::vector<hsize_t> cnt = select_rows(fspace.get(), start, c.size(0), path_, name);
  UFLOW_CHECK(Shape(cnt.begin(), cnt.end()) == c.shape(), path_, ": dataset '", name,
              "' rows do not match a block of shape ", shape_str(c.shape()));
  const Handle mspace = rows_space(cnt, path_, name);
  UFLOW_H5_CHECK(H5Dwrite(ds.get(), native_type(c.dtype()), mspace.get(), fspace.get(), H5P_DEFAULT,
                          c.raw_data()),
                 path_, ": cannot write rows of dataset '", name, "'");
}

Tensor H5File::read_rows(const std::string& name, int64_t start, int64_t count) const {
  const H5DatasetInfo info = dataset_info(name);
  Handle ds(UFLOW_H5_CHECK(H5Dopen2(id_, name.c_str(), H5P_DEFAULT), path_,
                           ": cannot open dataset '", name, "'"),
            H5Dclose);
  Handle fspace(UFLOW_H5_CHECK(H5Dget_space(ds.get()), path_, ": dataset '", name, "'"), H5Sclose);
  const std::vector<hsize_t> cnt = select_rows(fspace.get(), start, count, path_, name);
  const Handle mspace = rows_space(cnt, path_, name);
  Tensor t = Tensor::empty(Shape(cnt.begin(), cnt.end()), info.dtype);
  UFLOW_H5_CHECK(H5Dread(ds.get(), native_type(info.dtype), mspace.get(), fspace.get(), H5P_DEFAULT,
                         t.raw_data()),
                 path_, ": cannot read rows of dataset '", name, "'");
  return t;
}

Tensor H5File::read_tensor(const std::string& name) const {
  const H5DatasetInfo info = dataset_info(name);
  UFLOW_CHECK(info.is_float, path_, ": dataset '", name, "' has type ", info.type_name,
              ", expected float32 or float64");
  return read_tensor(name, info.dtype);
}

void H5File::read_whole(const std::string& name, int64_t mem_type, void* data,
                        int64_t numel) const {
  Handle ds(
      UFLOW_H5_CHECK(H5Dopen2(id_, name.c_str(), H5P_DEFAULT), path_, ": cannot open '", name, "'"),
      H5Dclose);
  if (numel > 0)
    UFLOW_H5_CHECK(H5Dread(ds.get(), mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data), path_,
                   ": cannot read dataset '", name, "'");
}

Tensor H5File::read_tensor(const std::string& name, DType dtype) const {
  const H5DatasetInfo info = dataset_info(name);
  UFLOW_CHECK(info.is_float || info.type_name.find("int") != std::string::npos, path_,
              ": dataset '", name, "' has type ", info.type_name, ", expected a number type");
  Tensor t = allocate_for(info.shape, dtype, path_, name);
  read_whole(name, native_type(dtype), t.raw_data(), t.numel());
  return t;
}

void H5File::write_ints(const std::string& name, const std::vector<int64_t>& v) {
  ensure_parent(name);
  const hsize_t n = v.size();
  Handle space(
      UFLOW_H5_CHECK(H5Screate_simple(1, &n, nullptr), path_, ": cannot write '", name, "'"),
      H5Sclose);
  const std::vector<hsize_t> dims{n};
  const Handle layout = h5::checksummed_creation(dims, h5::chunk_dims(dims, sizeof(int64_t)));
  Handle ds(UFLOW_H5_CHECK(H5Dcreate2(id_, name.c_str(), H5T_NATIVE_INT64, space.get(), H5P_DEFAULT,
                                      layout.get(), H5P_DEFAULT),
                           path_, ": cannot create dataset '", name, "'"),
            H5Dclose);
  if (n > 0)
    UFLOW_H5_CHECK(H5Dwrite(ds.get(), H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()),
                   path_, ": cannot write dataset '", name, "'");
}

std::vector<int64_t> H5File::read_ints(const std::string& name) const {
  const H5DatasetInfo info = dataset_info(name);
  UFLOW_CHECK(info.type_name.find("int") != std::string::npos, path_, ": dataset '", name,
              "' has type ", info.type_name, ", expected integers");
  std::vector<int64_t> v(static_cast<size_t>(shape_numel(info.shape)));
  read_whole(name, H5T_NATIVE_INT64, v.data(), static_cast<int64_t>(v.size()));
  return v;
}

std::vector<uint8_t> H5File::read_bytes(const std::string& name, Shape* shape) const {
  const H5DatasetInfo info = dataset_info(name);
  UFLOW_CHECK(info.type_name == "uint8", path_, ": dataset '", name, "' has type ", info.type_name,
              ", expected uint8");
  std::vector<uint8_t> v(static_cast<size_t>(shape_numel(info.shape)));
  read_whole(name, H5T_NATIVE_UINT8, v.data(), static_cast<int64_t>(v.size()));
  if (shape) *shape = info.shape;
  return v;
}

// ---- attributes ----

void H5File::write_attr(const std::string& key, int64_t mem_type, const std::vector<uint64_t>& dims,
                        const void* data) {
  if (has_attr(key))
    UFLOW_H5_CHECK(H5Adelete(id_, key.c_str()), path_, ": cannot replace attribute '", key, "'");
  const std::vector<hsize_t> d(dims.begin(), dims.end());
  Handle space(
      UFLOW_H5_CHECK(d.empty() ? H5Screate(H5S_SCALAR)
                               : H5Screate_simple(static_cast<int>(d.size()), d.data(), nullptr),
                     path_, ": cannot write attribute '", key, "'"),
      H5Sclose);
  Handle a(
      UFLOW_H5_CHECK(H5Acreate2(id_, key.c_str(), mem_type, space.get(), H5P_DEFAULT, H5P_DEFAULT),
                     path_, ": cannot create attribute '", key, "'"),
      H5Aclose);
  UFLOW_H5_CHECK(H5Awrite(a.get(), mem_type, data), path_, ": cannot write attribute '", key, "'");
}

void H5File::set_attr(const std::string& key, const std::string& value) {
  Handle type(UFLOW_H5_CHECK(H5Tcopy(H5T_C_S1), path_, ": cannot write attribute '", key, "'"),
              H5Tclose);
  UFLOW_H5_CHECK(H5Tset_size(type.get(), std::max<size_t>(value.size(), 1)), path_,
                 ": cannot write attribute '", key, "'");
  const std::string padded = value.empty() ? std::string(1, '\0') : value;
  write_attr(key, type.get(), {}, padded.data());
}

void H5File::set_attr(const std::string& key, double value) {
  write_attr(key, H5T_NATIVE_DOUBLE, {}, &value);
}

void H5File::set_attr(const std::string& key, int64_t value) {
  write_attr(key, H5T_NATIVE_INT64, {}, &value);
}

void H5File::set_attr(const std::string& key, const std::vector<double>& values) {
  write_attr(key, H5T_NATIVE_DOUBLE, {values.size()}, values.data());
}

void H5File::set_attr(const std::string& key, const std::vector<int64_t>& values) {
  write_attr(key, H5T_NATIVE_INT64, {values.size()}, values.data());
}

bool H5File::has_attr(const std::string& key) const {
  // A failure is not "missing": it is how a corrupted attribute table shows.
  return UFLOW_H5_CHECK(H5Aexists(id_, key.c_str()), path_, ": cannot look up attribute '", key,
                        "'") > 0;
}

int64_t H5File::open_attr(const std::string& key) const {
  UFLOW_CHECK(has_attr(key), path_, ": attribute '", key, "' is missing");
  return UFLOW_H5_CHECK(H5Aopen(id_, key.c_str(), H5P_DEFAULT), path_, ": cannot open attribute '",
                        key, "'");
}

std::string H5File::attr_string(const std::string& key) const {
  const std::string what = "attribute '" + key + "'";
  Handle a(open_attr(key), H5Aclose);
  Handle type(UFLOW_H5_CHECK(H5Aget_type(a.get()), path_, ": cannot read the type of ", what),
              H5Tclose);
  UFLOW_CHECK(type_class(type.get(), path_, what) == H5T_STRING, path_, ": ", what,
              " is not a string");
  if (UFLOW_H5_CHECK(H5Tis_variable_str(type.get()), path_, ": cannot read the type of ", what)) {
    // Variable-length, as h5py writes Python strings: HDF5 allocates the text.
    const H5T_cset_t cset =
        UFLOW_H5_CHECK(H5Tget_cset(type.get()), path_, ": cannot read the character set of ", what);
    Handle mem(UFLOW_H5_CHECK(H5Tcopy(H5T_C_S1), path_, ": cannot read ", what), H5Tclose);
    UFLOW_H5_CHECK(H5Tset_size(mem.get(), H5T_VARIABLE), path_, ": cannot read ", what);
    UFLOW_H5_CHECK(H5Tset_cset(mem.get(), cset), path_, ": cannot read ", what);
    char* s = nullptr;
    UFLOW_H5_CHECK(H5Aread(a.get(), mem.get(), &s), path_, ": cannot read ", what);
    const std::string out = s ? s : "";
    UFLOW_H5_CHECK(H5free_memory(s), path_, ": cannot free the text of ", what);
    return out;
  }
  std::string buf(type_size(type.get(), path_, what), '\0');
  UFLOW_H5_CHECK(H5Aread(a.get(), type.get(), buf.data()), path_, ": cannot read ", what);
  return buf.substr(0, buf.find('\0'));
}

namespace {

// Every value of a numeric attribute converted to T (mem_type), after checking that its stored
// class is one of `classes`.
template <typename T>
std::vector<T> read_numeric_attr(hid_t attr, hid_t mem_type,
                                 std::initializer_list<H5T_class_t> classes, const char* expected,
                                 const std::string& path, const std::string& key) {
  const std::string what = "attribute '" + key + "'";
  Handle type(UFLOW_H5_CHECK(H5Aget_type(attr), path, ": cannot read the type of ", what),
              H5Tclose);
  const H5T_class_t cls = type_class(type.get(), path, what);
  UFLOW_CHECK(std::find(classes.begin(), classes.end(), cls) != classes.end(), path, ": ", what,
              " is not ", expected);
  Handle space(UFLOW_H5_CHECK(H5Aget_space(attr), path, ": cannot read the shape of ", what),
               H5Sclose);
  const hssize_t n = UFLOW_H5_CHECK(H5Sget_simple_extent_npoints(space.get()), path,
                                    ": cannot read the shape of ", what);
  std::vector<T> v(static_cast<size_t>(n));
  UFLOW_H5_CHECK(H5Aread(attr, mem_type, v.data()), path, ": cannot read ", what);
  return v;
}

}  // namespace

std::vector<double> H5File::attr_doubles(const std::string& key) const {
  Handle a(open_attr(key), H5Aclose);
  return read_numeric_attr<double>(a.get(), H5T_NATIVE_DOUBLE, {H5T_FLOAT, H5T_INTEGER}, "numeric",
                                   path_, key);
}

std::vector<int64_t> H5File::attr_ints(const std::string& key) const {
  Handle a(open_attr(key), H5Aclose);
  return read_numeric_attr<int64_t>(a.get(), H5T_NATIVE_INT64, {H5T_INTEGER}, "an integer", path_,
                                    key);
}

double H5File::attr_double(const std::string& key) const {
  const std::vector<double> v = attr_doubles(key);
  UFLOW_CHECK(v.size() == 1, path_, ": attribute '", key, "' has ", v.size(),
              " values, expected one");
  return v[0];
}

int64_t H5File::attr_int(const std::string& key) const {
  const std::vector<int64_t> v = attr_ints(key);
  UFLOW_CHECK(v.size() == 1, path_, ": attribute '", key, "' has ", v.size(),
              " values, expected one");
  return v[0];
}

}  // namespace uflow
