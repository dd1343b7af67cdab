// Weight files: one dataset per tensor at the file's root, named exactly by the source
// framework's state_dict key ("blocks.3.attn.qkv.weight"), with root attributes
// format = "uflow-weights", version, arch, input_size, mean, std (see tools/export_timm.py).
#pragma once
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "tensor/tensor.h"

namespace uflow {

inline constexpr const char* kWeightsFormat = "uflow-weights";
inline constexpr int64_t kWeightsVersion = 1;

struct WeightFileInfo {
  std::string arch;
  int64_t input_size = 0;
  std::vector<double> mean, std;
};

// Reads the tensors named in `expected` (key -> shape). Fails with one line naming the file
// and the first key that is missing, mis-shaped (both shapes given) or not floating point, and
// the first key in the file that is not expected unless it starts with one of
// `ignorable_prefixes`. Also fails on a file that is not HDF5 or has another format/version.
std::map<std::string, Tensor> load_weights(
    const std::string& path, const std::vector<std::pair<std::string, Shape>>& expected,
    const std::vector<std::string>& ignorable_prefixes = {});

WeightFileInfo read_weight_info(const std::string& path);

// Writes tensors and attributes to path atomically (temporary file, then rename).
void save_weights(const std::string& path, const std::vector<std::pair<std::string, Tensor>>& tensors,
                  const WeightFileInfo& info);

}  // namespace uflow
