// Runs the frozen extractor once over a set of images and keeps the feature maps, so that
// training epochs only run the flow.
#pragma once
#include <string>
#include <vector>

#include "apps/data/dataset.h"
#include "layers/ms_cait.h"

namespace uflow::app {

// Per scale, all images' features stacked: (N, C_s, H_s, W_s), f32 on the CPU.
struct FeatureSet {
  std::vector<Tensor> scales;
  int64_t count() const { return scales.empty() ? 0 : scales[0].size(0); }
  // The rows `index` of every scale, moved to `device`.
  std::vector<Tensor> batch(const std::vector<int64_t>& index, Device device) const;
};

// Decodes, resizes and normalises images into (B, 3, size, size) f32 on the CPU.
Tensor load_image_batch(const std::vector<Sample>& samples, int64_t size);

// Extracts features for all samples, `batch` images at a time, on `device`.
FeatureSet extract_features(const MsCaitExtractor& extractor, const std::vector<Sample>& samples,
                            int64_t batch, Device device, const std::string& label);

}  // namespace uflow::app
