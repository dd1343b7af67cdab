// Rewriting a checkpoint with chosen changes, the way a corrupted, hand-edited or hostile file
// would look: every attribute and dataset is read, edited in memory and written to a new file
// through the plain HDF5 layer (save_checkpoint itself refuses bad values).
#pragma once
#include <map>
#include <string>
#include <vector>

#include "weights/hdf5_file.h"

namespace uflow::test {

struct CheckpointContent {
  std::map<std::string, std::string> strings;
  std::map<std::string, int64_t> ints;
  std::map<std::string, double> reals;
  std::map<std::string, Tensor> tensors;                      // "flow/...", "adam/exp_avg/...", ...
  std::map<std::string, std::vector<int64_t>> index_vectors;  // "permutation/..."
};

inline CheckpointContent read_checkpoint_content(const std::string& path) {
  H5File f(path, 'r');
  CheckpointContent c;
  for (const char* k : {"format", "extractor", "weights_dir", "clamp_mode", "loss"})
    c.strings[k] = f.attr_string(k);
  for (const char* k :
       {"version", "epoch", "input_size", "small_depth", "extractor_seed", "flow_steps", "seed",
        "map_size", "epochs", "batch", "adam_step", "random_backbone"})
    if (f.has_attr(k)) c.ints[k] = f.attr_int(k);
  for (const char* k : {"clamp", "lr", "weight_decay"}) c.reals[k] = f.attr_double(k);
  // Parameter names are flat (dots, no slashes): each group holds datasets only.
  for (const char* g : {"flow", "adam/exp_avg", "adam/exp_avg_sq"})
    for (const std::string& n : f.names(g))
      c.tensors[std::string(g) + "/" + n] = f.read_tensor(std::string(g) + "/" + n);
  for (const std::string& n : f.names("permutation"))
    c.index_vectors["permutation/" + n] = f.read_ints("permutation/" + n);
  return c;
}

inline void write_checkpoint_content(const std::string& path, const CheckpointContent& c) {
  H5File f(path, 'w');
  for (const auto& [k, v] : c.strings) f.set_attr(k, v);
  for (const auto& [k, v] : c.ints) f.set_attr(k, v);
  for (const auto& [k, v] : c.reals) f.set_attr(k, v);
  for (const auto& [k, v] : c.tensors) f.write_tensor(k, v);
  for (const auto& [k, v] : c.index_vectors) f.write_ints(k, v);
}

}  // namespace uflow::test
