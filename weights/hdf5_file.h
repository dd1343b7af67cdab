// RAII access to one HDF5 file (weights, checkpoints, fixtures, latents): tensors (f32/f64) and
// integer vectors as datasets, and scalar, string and array attributes on the root group.
// Dataset names may contain dots ("blocks.3.attn.qkv.weight" is one flat name); a '/' in a
// name means a group, created on write. Every failure is one uflow::Error line naming the file.
// What uflow writes carries checksums that HDF5 verifies on read (weights/hdf5_layout.h).
#pragma once
#include <concepts>
#include <cstdint>
#include <string>
#include <vector>

#include "tensor/tensor.h"

namespace uflow {

// What a dataset holds, without reading it.
struct H5DatasetInfo {
  Shape shape;
  bool is_float = false;     // floating point of 4 or 8 bytes: readable as a Tensor
  DType dtype = DType::f32;  // meaningful when is_float
  std::string type_name;     // "float32", "float64", "int64", "uint8", "float16", "string", ...
  bool checksummed = false;  // written with the Fletcher-32 filter (weights/hdf5_layout.h)
};

class H5File {
 public:
  // mode 'r': read an existing file (fails naming the file when it is absent or not HDF5);
  // mode 'w': create, or truncate an existing file.
  H5File(const std::string& path, char mode);
  ~H5File();
  H5File(const H5File&) = delete;
  H5File& operator=(const H5File&) = delete;
  // Closes the file now, throwing when HDF5 cannot (it writes its metadata on close); the
  // destructor closes too but cannot report failure. No other call is valid afterwards.
  void close();

  const std::string& path() const { return path_; }
  bool has(const std::string& name) const;  // a dataset or group; false for a missing parent
  std::vector<std::string> names(const std::string& group) const;  // children, sorted by name
  std::vector<std::string> dataset_names() const;                  // datasets at the root

  H5DatasetInfo dataset_info(const std::string& name) const;
  // Writes a tensor (any device, any strides) with its own dtype; creates parent groups.
  void write_tensor(const std::string& name, const Tensor& t);
  // Reads a float dataset as a CPU tensor of the stored dtype; fails for other types.
  Tensor read_tensor(const std::string& name) const;
  // Reads a float or integer dataset converted to `dtype`.
  Tensor read_tensor(const std::string& name, DType dtype) const;
  // Row access to a dataset of shape (rows, ...) too large to hold in memory: create it, then
  // write or read `count` consecutive rows starting at `start` (tensors of shape (count, ...)).
  void create_rows(const std::string& name, int64_t rows, const Shape& row_shape, DType dtype);
  void write_rows(const std::string& name, int64_t start, const Tensor& block);
  Tensor read_rows(const std::string& name, int64_t start, int64_t count) const;
  void write_ints(const std::string& name, const std::vector<int64_t>& v);
  std::vector<int64_t> read_ints(const std::string& name) const;  // any integer dataset, flat
  // Raw bytes (uint8 datasets, e.g. images stored by fixtures), flat, with the shape.
  std::vector<uint8_t> read_bytes(const std::string& name, Shape* shape = nullptr) const;

  // Root attributes; writing replaces an existing attribute of the same name.
  void set_attr(const std::string& key, const std::string& value);
  void set_attr(const std::string& key, const char* value) { set_attr(key, std::string(value)); }
  void set_attr(const std::string& key, double value);
  void set_attr(const std::string& key, int64_t value);
  template <std::integral T>
  void set_attr(const std::string& key, T value) {
    set_attr(key, static_cast<int64_t>(value));
  }
  void set_attr(const std::string& key, const std::vector<double>& values);
  void set_attr(const std::string& key, const std::vector<int64_t>& values);

  bool has_attr(const std::string& key) const;
  std::string attr_string(const std::string& key) const;
  double attr_double(const std::string& key) const;                // a numeric scalar
  int64_t attr_int(const std::string& key) const;                  // an integer scalar
  std::vector<double> attr_doubles(const std::string& key) const;  // numeric scalar or array
  std::vector<int64_t> attr_ints(const std::string& key) const;    // integer scalar or array

 private:
  void ensure_parent(const std::string& name);
  int64_t open_attr(const std::string& key) const;  // an hid_t the caller closes
  // Reads all `numel` values of a dataset, converted to mem_type (an hid_t), into data.
  void read_whole(const std::string& name, int64_t mem_type, void* data, int64_t numel) const;
  void write_attr(const std::string& key, int64_t mem_type, const std::vector<uint64_t>& dims,
                  const void* data);
  std::string path_;
  int64_t id_ = -1;  // hid_t
};

}  // namespace uflow
