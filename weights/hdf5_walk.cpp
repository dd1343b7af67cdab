#include "weights/hdf5_walk.h"

#include <algorithm>

#include "weights/hdf5_check.h"

namespace uflow {
namespace {

h5::Handle open_read(const std::string& path) {
  h5::silence_errors();
  return h5::Handle(UFLOW_H5_CHECK(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), path,
                                   ": cannot open as HDF5"),
                    H5Fclose);
}

}  // namespace

std::vector<std::string> list_datasets(const std::string& path) {
  const h5::Handle file = open_read(path);
  std::vector<std::string> names;
  const auto visit = [](hid_t, const char* name, const H5O_info_t* info, void* out) -> herr_t {
    if (info->type == H5O_TYPE_DATASET)
      static_cast<std::vector<std::string>*>(out)->push_back(name);
    return 0;
  };
  UFLOW_H5_CHECK(H5Ovisit2(file.get(), H5_INDEX_NAME, H5_ITER_INC, visit, &names, H5O_INFO_BASIC),
                 path, ": cannot list the datasets");
  std::sort(names.begin(), names.end());
  return names;
}

std::vector<std::string> list_root_attributes(const std::string& path) {
  const h5::Handle file = open_read(path);
  std::vector<std::string> names;
  const auto visit = [](hid_t, const char* name, const H5A_info_t*, void* out) -> herr_t {
    static_cast<std::vector<std::string>*>(out)->push_back(name);
    return 0;
  };
  UFLOW_H5_CHECK(H5Aiterate2(file.get(), H5_INDEX_NAME, H5_ITER_INC, nullptr, visit, &names), path,
                 ": cannot list the attributes");
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace uflow
