#include "weights/weight_file.h"

#include <set>

#include "weights/atomic_write.h"
#include "weights/finite_check.h"
#include "weights/hdf5_file.h"

namespace uflow {
namespace {

void check_header(const H5File& f) {
  UFLOW_CHECK(f.has_attr("format"), f.path(),
              ": not a uflow weights file (no 'format' attribute; expected '", kWeightsFormat,
              "')");
  const std::string format = f.attr_string("format");
  UFLOW_CHECK(format == kWeightsFormat, f.path(), ": not a uflow weights file (format '", format,
              "', expected '", kWeightsFormat, "')");
  UFLOW_CHECK(f.has_attr("version"), f.path(), ": weights file without a 'version' attribute");
  const int64_t v = f.attr_int("version");
  UFLOW_CHECK(v == kWeightsVersion, f.path(), ": weights format version ", v,
              ", this uflow reads version ", kWeightsVersion);
}

bool has_prefix(const std::string& key, const std::vector<std::string>& prefixes) {
  for (const std::string& p : prefixes)
    if (key.compare(0, p.size(), p) == 0) return true;
  return false;
}

}  // namespace

std::map<std::string, Tensor> load_state(const std::string& path, const ExpectedShapes& expected,
                                         const std::vector<std::string>& ignorable_prefixes) {
  H5File f(path, 'r');
  check_header(f);
  // All checks come before any large read, so a bad file fails fast.
  std::set<std::string> wanted;
  for (const auto& [key, shape] : expected) {
    wanted.insert(key);
    UFLOW_CHECK(f.has(key), path, ": key '", key, "' is missing");
    const H5DatasetInfo info = f.dataset_info(key);
    UFLOW_CHECK(info.is_float, path, ": key '", key, "' has dtype ", info.type_name,
                ", expected float32 or float64");
    UFLOW_CHECK(info.shape == shape, path, ": key '", key, "' has shape ", shape_str(info.shape),
                ", expected ", shape_str(shape));
  }
  for (const std::string& key : f.names("/"))
    UFLOW_CHECK(wanted.count(key) || has_prefix(key, ignorable_prefixes), path,
                ": unexpected key '", key, "' (not a parameter of the model)");
  std::map<std::string, Tensor> out;
  for (const auto& [key, shape] : expected) {
    Tensor t = f.read_tensor(key);
    require_finite(t, path, key);
    out.emplace(key, std::move(t));
  }
  return out;
}

WeightFileInfo read_weight_info(const std::string& path) {
  H5File f(path, 'r');
  check_header(f);
  WeightFileInfo info;
  if (f.has_attr("arch")) info.arch = f.attr_string("arch");
  if (f.has_attr("input_size")) info.input_size = f.attr_int("input_size");
  if (f.has_attr("mean")) info.mean = f.attr_doubles("mean");
  if (f.has_attr("std")) info.std = f.attr_doubles("std");
  return info;
}

std::vector<std::string> weight_keys(const std::string& path) {
  H5File f(path, 'r');
  check_header(f);
  return f.dataset_names();
}

void save_weights(const std::string& path,
                  const std::vector<std::pair<std::string, Tensor>>& tensors,
                  const WeightFileInfo& info) {
  std::set<std::string> seen;
  for (const auto& [key, t] : tensors) {
    UFLOW_CHECK(!key.empty() && key.find('/') == std::string::npos, path, ": invalid key '", key,
                "' (keys are flat names without '/')");
    UFLOW_CHECK(seen.insert(key).second, path, ": key '", key, "' given twice");
    require_finite(t, path, key);
  }
  write_h5_atomic(path, [&](H5File& f) {
    f.set_attr("format", kWeightsFormat);
    f.set_attr("version", kWeightsVersion);
    f.set_attr("arch", info.arch);
    f.set_attr("input_size", info.input_size);
    if (!info.mean.empty()) f.set_attr("mean", info.mean);
    if (!info.std.empty()) f.set_attr("std", info.std);
    for (const auto& [key, t] : tensors) f.write_tensor(key, t);
  });
}

}  // namespace uflow
