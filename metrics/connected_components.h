// Connected components of a binary mask with 8-connectivity (diagonal neighbours join), the
// region definition of the per-region overlap (PRO) metric.
#pragma once
#include <cstdint>
#include <span>

namespace uflow::metrics {

// mask: height×width, non-zero = foreground. Writes labels (same size): 0 for background and
// first_label, first_label + 1, … for the components in raster order of their first pixel.
// Returns the number of components.
uint32_t label_components_8(std::span<const uint8_t> mask, size_t height, size_t width,
                            std::span<uint32_t> labels, uint32_t first_label = 1);

}  // namespace uflow::metrics
