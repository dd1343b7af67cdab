// Shapes, strides and the broadcasting rules shared by every op.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace uflow {

using Shape = std::vector<int64_t>;

int64_t shape_numel(const Shape& s);
Shape contiguous_strides(const Shape& s);
std::string shape_str(const Shape& s);
// Negative dims count from the end; throws when out of range.
int64_t normalize_dim(int64_t dim, int64_t ndim);
// NumPy broadcasting of two shapes; throws naming both when incompatible.
Shape broadcast_shapes(const Shape& a, const Shape& b);

}  // namespace uflow
