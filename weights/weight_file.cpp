#include "weights/weight_file.h"

#include <filesystem>
#include <set>

#include "weights/hdf5_file.h"

namespace uflow {
namespace {

void check_header(const H5File& f) {
  UFLOW_CHECK(f.has_attr("format") && f.attr_string("format") == kWeightsFormat, f.path(),
              ": not a uflow weights file (attribute format is not '", kWeightsFormat, "')");
  UFLOW_CHECK(f.has_attr("version"), f.path(), ": attribute 'version' is missing");
  const int64_t v = f.attr_int("version");
  UFLOW_CHECK(v == kWeightsVersion, f.path(), ": weights format version ", v,
              ", this uflow reads version ", kWeightsVersion);
}

}  // namespace

std::map<std::string, Tensor> load_weights(
    const std::string& path, const std::vector<std::pair<std::string, Shape>>& expected,
    const std::vector<std::string>& ignorable_prefixes) {
  H5File f(path, 'r');
  check_header(f);
  std::set<std::string> wanted;
  std::map<std::string, Tensor> out;
  for (const auto& [key, shape] : expected) {
    wanted.insert(key);
    UFLOW_CHECK(f.has(key), path, ": key '", key, "' is missing");
    Tensor t = f.read_tensor(key);
    UFLOW_CHECK(t.shape() == shape, path, ": key '", key, "' has shape ", shape_str(t.shape()),
                ", expected ", shape_str(shape));
    out.emplace(key, t);
  }
  for (const std::string& key : f.names("/")) {
    if (wanted.count(key)) continue;
    bool ignorable = false;
    for (const std::string& p : ignorable_prefixes) ignorable |= key.rfind(p, 0) == 0;
    UFLOW_CHECK(ignorable, path, ": unexpected key '", key, "'");
  }
  return out;
}

WeightFileInfo read_weight_info(const std::string& path) {
  H5File f(path, 'r');
  check_header(f);
  WeightFileInfo info;
  if (f.has_attr("arch")) info.arch = f.attr_string("arch");
  if (f.has_attr("input_size")) info.input_size = f.attr_int("input_size");
  return info;
}

void save_weights(const std::string& path,
                  const std::vector<std::pair<std::string, Tensor>>& tensors,
                  const WeightFileInfo& info) {
  const std::string tmp = path + ".tmp";
  {
    H5File f(tmp, 'w');
    f.set_attr("format", std::string(kWeightsFormat));
    f.set_attr("version", kWeightsVersion);
    f.set_attr("arch", info.arch);
    f.set_attr("input_size", info.input_size);
    for (const auto& [k, t] : tensors) f.write_tensor(k, t);
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) std::filesystem::remove(tmp);
  UFLOW_CHECK(!ec, path, ": cannot move the written file into place (", ec.message(), ")");
}

}  // namespace uflow
