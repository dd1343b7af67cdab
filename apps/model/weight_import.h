// Converting tensors read from another framework's file (weights/tensor_source.h) into a
// uflow weight file (weights/weight_file.h), the way tools/export_timm.py writes one: every
// tensor as a float32 dataset named by its state_dict key, plus arch, input_size, mean and
// std. Tensors are read and written one at a time.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "apps/cli/progress.h"
#include "weights/tensor_source.h"
#include "weights/weight_file.h"

namespace uflow::app {

// What a CaiT state dict's shapes say about the model (as tools/export_uflow_ckpt.py reads
// them): embedding width, depth, grid and input side, and timm's name for that combination
// (cait_m48_448, ...), or cait_d<dim>_depth<depth>_<input> for sizes timm does not have.
struct CaitShapes {
  int64_t dim = 0, depth = 0, grid = 0, input_size = 0;
  std::string arch;
};
// Looks at the tensors whose names start with `prefix`; nullopt without a CaiT patch embedding
// and position embedding there.
std::optional<CaitShapes> identify_cait(const std::vector<SourceTensorInfo>& tensors,
                                        const std::string& prefix = "");

// The ImageNet normalisation of timm's CaiT weights (their pretrained_cfg).
WeightFileInfo imagenet_weight_info(const std::string& arch, int64_t input_size);

// Reads a timm/Hugging Face config.json ({"architecture", "pretrained_cfg": {"input_size",
// "mean", "std"}}) into `info`, keeping the fields it lacks. Throws naming the file when it is
// not valid JSON or a field has the wrong type.
void apply_timm_config(const std::string& config_path, WeightFileInfo& info);

// Writes the tensors `indices` of `source` to a weight file at `out` (temporary file +
// rename), named by their key with `strip_prefix` removed. Advances `progress` per tensor.
void write_weight_file(const std::string& out, const TensorSource& source,
                       const std::vector<size_t>& indices, const std::string& strip_prefix,
                       const WeightFileInfo& info, Progress* progress);

}  // namespace uflow::app
