// The numbered 4-d datasets of uflow's study files, finest scale first: features f1, f2, ...
// (`uflow features`) and latents z1, z2, ... (`uflow latents`, read by `uflow nfa`). Reading
// treats the file as untrusted: every shape is checked before anything is allocated, and the
// values are checked before any computation, with errors naming the file and the dataset.
#pragma once
#include <string>
#include <vector>

#include "tensor/tensor.h"
#include "weights/hdf5_file.h"

namespace uflow::app {

enum class MapKind {
  features,  // any finite values
  latents,   // finite and within the NFA's range (contrario/latent_range.h)
};

struct MapFileLimits {
  int64_t max_elements = int64_t{1} << 32;  // over all scales: 16 GiB of float32
};

// Datasets <prefix>1, <prefix>2, ... until one is missing, as f32 (B, C, H, W) with one batch
// size B. Throws naming the file and the dataset: none present, not a float dataset, not 4-d,
// empty, another batch size, too large, values out of range.
std::vector<Tensor> read_numbered_maps(const std::string& path, const std::string& prefix,
                                       MapKind kind, const MapFileLimits& limits = {});

void write_numbered_maps(H5File& f, const std::string& prefix, const std::vector<Tensor>& maps);

}  // namespace uflow::app
