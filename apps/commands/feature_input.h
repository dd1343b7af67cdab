// Where the commands that study a flow (features, latents, nfa, inspect) get their inputs from:
// numbered HDF5 datasets and image paths.
#pragma once
#include <string>
#include <vector>

#include "apps/data/dataset.h"
#include "apps/model/features.h"
#include "weights/hdf5_file.h"

namespace uflow::app {

// Reads datasets <prefix>1, <prefix>2, ... (each (B, C, H, W), as f32) until one is missing.
std::vector<Tensor> read_numbered(const H5File& f, const std::string& prefix);
void write_numbered(H5File& f, const std::string& prefix, const std::vector<Tensor>& ts);

// The images `input` names: one image file, a folder of images, or an MVTec category (its
// test set; only its good images when normal_only).
std::vector<Sample> image_samples(const std::string& input, bool normal_only = false);

// The features of `input`: read from a features .h5 file (f1, f2, ...), or computed by the
// extractor from the images image_samples(input, normal_only) names, `batch` at a time.
FeatureSet input_features(const std::string& input, const MsCaitExtractor& extractor, int64_t batch,
                          Device device, bool normal_only = false);

}  // namespace uflow::app
