// RAII access to HDF5 files (weights, checkpoints, fixtures, latents): tensors (f32/f64) and integer vectors as
// datasets, scalar/string attributes on the root. Every failure is one line naming the file.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "tensor/tensor.h"

namespace uflow {

class H5File {
 public:
  // mode: 'r' read, 'w' create/truncate.
  H5File(const std::string& path, char mode);
  ~H5File();
  H5File(const H5File&) = delete;
  H5File& operator=(const H5File&) = delete;

  const std::string& path() const { return path_; }
  bool has(const std::string& name) const;
  std::vector<std::string> names(const std::string& group) const;  // children of a group

  void write_tensor(const std::string& name, const Tensor& t);  // creates parent groups
  Tensor read_tensor(const std::string& name) const;            // CPU, dataset's dtype
  void write_ints(const std::string& name, const std::vector<int64_t>& v);
  std::vector<int64_t> read_ints(const std::string& name) const;

  void set_attr(const std::string& key, const std::string& value);
  void set_attr(const std::string& key, double value);
  void set_attr(const std::string& key, int64_t value);
  std::string attr_string(const std::string& key) const;
  double attr_double(const std::string& key) const;
  int64_t attr_int(const std::string& key) const;
  bool has_attr(const std::string& key) const;

 private:
  int64_t ensure_parent(const std::string& name);
  std::string path_;
  int64_t id_ = -1;
};

}  // namespace uflow
