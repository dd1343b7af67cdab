#include "metrics/connected_components.h"

#include <vector>

#include "tensor/error.h"

namespace uflow::metrics {

uint32_t label_components_8(std::span<const uint8_t> mask, size_t height, size_t width,
                            std::span<uint32_t> labels, uint32_t first_label) {
  const size_t n = height * width;
  UFLOW_CHECK(mask.size() == n && labels.size() == n, "label_components_8: mask of ", mask.size(),
              " and labels of ", labels.size(), " pixels for a ", height, "x", width, " image");
  UFLOW_CHECK(first_label >= 1, "label_components_8: first_label must be >= 1, got ", first_label);
  for (size_t i = 0; i < n; ++i) labels[i] = 0;
  // Flood fill with an explicit stack: a defect can cover most of a 256×256 map, far beyond
  // what recursion would survive.
  std::vector<size_t> stack;
  uint32_t count = 0;
  for (size_t seed = 0; seed < n; ++seed) {
    if (!mask[seed] || labels[seed] != 0) continue;
    UFLOW_CHECK(first_label + count != 0, "label_components_8: more than 2^32 - 1 labels");
    const uint32_t label = first_label + count++;
    labels[seed] = label;
    stack.push_back(seed);
    while (!stack.empty()) {
      const size_t p = stack.back();
      stack.pop_back();
      const size_t y = p / width, x = p % width;
      const size_t y0 = y > 0 ? y - 1 : 0, y1 = y + 1 < height ? y + 1 : y;
      const size_t x0 = x > 0 ? x - 1 : 0, x1 = x + 1 < width ? x + 1 : x;
      for (size_t ny = y0; ny <= y1; ++ny)
        for (size_t nx = x0; nx <= x1; ++nx) {
          const size_t q = ny * width + nx;
          if (mask[q] && labels[q] == 0) {
            labels[q] = label;
            stack.push_back(q);
          }
        }
    }
  }
  return count;
}

}  // namespace uflow::metrics
