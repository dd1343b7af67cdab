// Weight files: the parameters of one model in the source framework's naming, so a file can be
// checked against a module tree key by key.
//
// Layout (version 1): one dataset per tensor, flat at the root of the file, named exactly by
// the state_dict key ("blocks.3.attn.qkv.weight"; the dots are part of the name, there are no
// groups), float32 or float64, in the tensor's own shape. Root attributes:
//   format     string   "uflow-weights"
//   version    int64    1
//   arch       string   the model's name, e.g. "cait_m48_448"
//   input_size int64    square input side in pixels, e.g. 448
//   mean, std  float64[3] the input normalisation the weights were trained with
// tools/export_timm.py writes these files from timm.
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
  std::vector<double> mean, std;  // empty when the file has none
};

// Key -> expected shape, in the order keys should be checked (the first problem is reported).
using ExpectedShapes = std::vector<std::pair<std::string, Shape>>;

// Opens a weight file and checks it against `expected`: every expected key must be present as
// a float32/float64 dataset of the expected shape, and every dataset in the file must be
// expected unless its name starts with one of `ignorable_prefixes` (e.g. "head."). Throws one
// line naming the file and the first problem: not found, not HDF5, wrong format or version, a
// missing key, a key of the wrong dtype, a mis-shaped key (both shapes), an unexpected key, a
// key holding NaN or ±Inf, a checksum mismatch (weights/hdf5_layout.h). Returns the expected
// tensors on the CPU in the file's dtype.
std::map<std::string, Tensor> load_state(const std::string& path, const ExpectedShapes& expected,
                                         const std::vector<std::string>& ignorable_prefixes = {});

// The former name of load_state.
inline std::map<std::string, Tensor> load_weights(
    const std::string& path, const ExpectedShapes& expected,
    const std::vector<std::string>& ignorable_prefixes = {}) {
  return load_state(path, expected, ignorable_prefixes);
}

// Checks format and version and returns the attributes.
WeightFileInfo read_weight_info(const std::string& path);

// Every dataset name in a weight file (format and version checked), sorted.
std::vector<std::string> weight_keys(const std::string& path);

// Writes tensors and attributes atomically (see weights/atomic_write.h). Keys must be unique
// and must not contain '/'; every value must be finite.
void save_weights(const std::string& path,
                  const std::vector<std::pair<std::string, Tensor>>& tensors,
                  const WeightFileInfo& info);

}  // namespace uflow
