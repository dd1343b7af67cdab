// Converting a trained U-Flow checkpoint of the PyTorch reference (the authors' Lightning .ckpt
// or anomalib's) into a uflow checkpoint plus the two extractor weight files, read natively
// from the zip checkpoint (weights/torch_checkpoint.h). Produces the same files, dataset for
// dataset and attribute for attribute, as tools/export_uflow_ckpt.py, whose docstring
// describes the mapping: flow/module_list.<n>.<param> (float32), permutation/<s>.<j> (int64
// index vectors, s = 0 finest), the checkpoint attributes, and <weights_dir>/<arch>.h5 per
// extractor.
#pragma once
#include <string>
#include <vector>

#include "weights/torch_checkpoint.h"

namespace uflow::app {

// True when the checkpoint's state dict holds a reference U-Flow (flow.module_list.* keys).
bool is_reference_uflow(const TorchCheckpoint& ckpt);

struct ReferenceImport {
  std::vector<std::string> written;  // the extractor weight files, then the checkpoint
  std::vector<std::string> archs;
  int64_t steps = 0;
};

// weights_dir: where the extractor weight files go, and what the checkpoint records.
ReferenceImport import_reference_checkpoint(const TorchCheckpoint& ckpt, const std::string& out,
                                            const std::string& weights_dir);

}  // namespace uflow::app
