// Helpers for the apps tests: a synthetic category small enough to scan and train on quickly.
#pragma once
#include <string>

#include "apps/demo/synthetic_data.h"

namespace uflow::test {

// An MVTec AD style category (apps/demo/synthetic_data.h) of size×size images: `train` normal
// training images, `test_good` good test images and one test image per defect kind.
inline void write_tiny_category(const std::string& root, int64_t size, int64_t train,
                                int64_t test_good) {
  app::SyntheticSpec spec;
  spec.size = size;
  spec.train = train;
  spec.test_good = test_good;
  spec.test_per_defect = 1;
  app::write_synthetic_category(root, spec);
}

}  // namespace uflow::test
