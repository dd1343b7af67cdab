// Where the commands that study a flow (features, latents, inspect) get their inputs from:
// a features file (apps/data/map_file.h) or image paths.
#pragma once
#include <string>
#include <vector>

#include "apps/data/dataset.h"
#include "apps/model/features.h"

namespace uflow::app {

// The images `input` names: one image file, a folder of images, or an MVTec category (its
// test set; only its good images when normal_only).
std::vector<Sample> image_samples(const std::string& input, bool normal_only = false);

// The features of `input`: read from a features .h5 file (f1, f2, ..., checked as untrusted by
// read_numbered_maps), or computed by the
// extractor from the images image_samples(input, normal_only) names, `batch` at a time.
FeatureSet input_features(const std::string& input, const FeatureExtractor& extractor,
                          int64_t batch, Device device, bool normal_only = false);

}  // namespace uflow::app
