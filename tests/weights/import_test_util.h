// Shared by the `uflow import` tests: fixture paths, running the command, and comparing two
// HDF5 files dataset for dataset and attribute for attribute.
#pragma once
#include <string>
#include <vector>

#include "apps/commands/import_command.h"
#include "test_util.h"
#include "weights/hdf5_file.h"
#include "weights/hdf5_walk.h"

namespace uflow::test {

inline std::string import_fixture(const std::string& name) {
  return std::string(UFLOW_FIXTURES_DIR) + "/import/" + name;
}

inline void run_import(const std::vector<std::string>& args) {
  REQUIRE(app::import_command(args) == 0);
}

// The attribute as text whatever its type: strings as they are, numbers as "i:<values>" or
// "f:<values>" (so an int64 never equals a float64 of the same value).
inline std::string attr_text(const H5File& f, const std::string& key) {
  try {
    return "s:" + f.attr_string(key);
  } catch (const Error&) {
  }
  std::string s;
  try {
    for (const int64_t v : f.attr_ints(key)) s += std::to_string(v) + ",";
    return "i:" + s;
  } catch (const Error&) {
  }
  for (const double v : f.attr_doubles(key)) s += std::to_string(v) + ",";
  return "f:" + s;
}

// Same dataset names, types, shapes and bit-identical values; same root attributes, except
// those in `ignore_attrs`.
inline void check_same_file(const std::string& expected, const std::string& actual,
                            const std::vector<std::string>& ignore_attrs = {}) {
  INFO("expected ", expected, ", got ", actual);
  const std::vector<std::string> names = list_datasets(expected);
  REQUIRE(list_datasets(actual) == names);
  H5File e(expected, 'r'), a(actual, 'r');
  for (const std::string& name : names) {
    INFO("dataset ", name);
    const H5DatasetInfo ei = e.dataset_info(name), ai = a.dataset_info(name);
    CHECK(ai.type_name == ei.type_name);
    REQUIRE(ai.shape == ei.shape);
    if (ei.is_float) {
      const Tensor x = e.read_tensor(name, DType::f64), y = a.read_tensor(name, DType::f64);
      const double *xv = x.data<double>(), *yv = y.data<double>();
      int64_t differ = 0;
      for (int64_t i = 0; i < x.numel(); ++i)
        differ += !(xv[i] == yv[i] || (std::isnan(xv[i]) && std::isnan(yv[i])));
      CHECK(differ == 0);
    } else {
      CHECK(a.read_ints(name) == e.read_ints(name));
    }
  }
  const std::vector<std::string> attrs = list_root_attributes(expected);
  CHECK(list_root_attributes(actual) == attrs);
  for (const std::string& key : attrs) {
    if (std::find(ignore_attrs.begin(), ignore_attrs.end(), key) != ignore_attrs.end()) continue;
    INFO("attribute ", key);
    CHECK(attr_text(a, key) == attr_text(e, key));
  }
}

}  // namespace uflow::test
