// uflow import: converts weights from other frameworks' files into uflow's HDF5 files without
// Python (safetensors; PyTorch zip checkpoints: pytorch_model.bin, .pth, Lightning .ckpt,
// including the reference's trained U-Flow checkpoints), and checks uflow's own files
// (--check).
#pragma once
#include <string>
#include <vector>

namespace uflow::app {
int import_command(const std::vector<std::string>& args);
}  // namespace uflow::app
