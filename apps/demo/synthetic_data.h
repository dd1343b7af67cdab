// A synthetic MVTec-style category for the demo: woven-looking textures (oriented sinusoids
// plus smooth noise, jittered per image) as normal images, and test images with planted
// scratches, blobs and colour spots, each with its ground-truth mask. Deterministic for a seed.
#pragma once
#include <cstdint>
#include <string>

namespace uflow::app {

struct SyntheticSpec {
  int64_t size = 256;
  int64_t train = 60;
  int64_t test_good = 12;
  int64_t test_per_defect = 8;  // for each of scratch, blob, color_spot
  uint64_t seed = 2024;
};

// Writes <root>/train/good, <root>/test/{good,scratch,blob,color_spot} and
// <root>/ground_truth/<defect>/<stem>_mask.png. Existing files are overwritten.
void write_synthetic_category(const std::string& root, const SyntheticSpec& spec);

}  // namespace uflow::app
