// A stack of equally sized maps (scores or masks) stored image after image, each row-major.
#pragma once
#include <cstddef>

namespace uflow::metrics {

struct StackShape {
  size_t images = 0, height = 0, width = 0;
  size_t pixels_per_image() const { return height * width; }
  size_t pixels() const { return images * height * width; }
};

}  // namespace uflow::metrics
