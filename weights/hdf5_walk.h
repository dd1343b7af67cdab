// Listing everything an HDF5 file holds, for tools that print or compare whole files
// (`uflow import --check`, the import tests): every dataset at any depth, and the root
// attributes' names.
#pragma once
#include <string>
#include <vector>

namespace uflow {

// Full paths of all datasets ("flow/module_list.0.global_scale"), sorted.
std::vector<std::string> list_datasets(const std::string& path);
// Names of the root group's attributes, sorted.
std::vector<std::string> list_root_attributes(const std::string& path);

}  // namespace uflow
