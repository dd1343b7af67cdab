// Views: new geometry over the same storage, never a copy (reshape copies only when the
// strides cannot express the new shape, as in PyTorch).
#include <algorithm>
#include <numeric>

#include "tensor/ops.h"

namespace uflow::kernels {
namespace {

// Strides for viewing x as `shape` without a copy, or empty when impossible. Walks groups of
// old dims that are contiguous with each other (PyTorch's computeStride rule).
std::optional<Shape> view_strides(const Tensor& x, const Shape& shape) {
  const Shape& old_shape = x.shape();
  const Shape& old_strides = x.strides();
  Shape strides(shape.size());
  if (x.numel() == 0 || old_shape.empty()) return contiguous_strides(shape);
  int64_t view_d = static_cast<int64_t>(shape.size()) - 1;
  int64_t chunk_base_stride = old_strides.back();
  int64_t tensor_numel = 1, view_numel = 1;
  for (int64_t d = static_cast<int64_t>(old_shape.size()) - 1; d >= 0; --d) {
    tensor_numel *= old_shape[d];
    if (d == 0 ||
        (old_shape[d - 1] != 1 && old_strides[d - 1] != tensor_numel * chunk_base_stride)) {
      while (view_d >= 0 && (view_numel < tensor_numel || shape[view_d] == 1)) {
        strides[view_d] = view_numel * chunk_base_stride;
        view_numel *= shape[view_d];
        --view_d;
      }
      if (view_numel != tensor_numel) return std::nullopt;
      if (d > 0) {
        chunk_base_stride = old_strides[d - 1];
        tensor_numel = 1;
        view_numel = 1;
      }
    }
  }
  if (view_d != -1) return std::nullopt;
  return strides;
}

}  // namespace

Tensor reshape(const Tensor& x, Shape shape) {
  int64_t known = 1, infer = -1;
  for (size_t i = 0; i < shape.size(); ++i) {
    if (shape[i] == -1) {
      UFLOW_CHECK(infer < 0, "reshape: more than one -1 in ", shape_str(shape));
      infer = static_cast<int64_t>(i);
    } else {
      known *= shape[i];
    }
  }
  if (infer >= 0) {
    UFLOW_CHECK(known > 0 && x.numel() % known == 0, "reshape: cannot infer -1 in ",
                shape_str(shape), " for ", x.numel(), " elements");
    shape[infer] = x.numel() / known;
  }
  UFLOW_CHECK(shape_numel(shape) == x.numel(), "reshape: ", shape_str(x.shape()), " (", x.numel(),
              " elements) cannot become ", shape_str(shape));
  if (auto st = view_strides(x, shape)) return Tensor::view_of(x, shape, *st, x.offset());
  Tensor c = clone(x);
  return Tensor::view_of(c, shape, contiguous_strides(shape), 0);
}

Tensor permute(const Tensor& x, const std::vector<int64_t>& dims) {
  const int64_t n = x.dim();
  UFLOW_CHECK(static_cast<int64_t>(dims.size()) == n, "permute: ", dims.size(),
              " dims given for a ", n, "-d tensor");
  Shape shape(n), strides(n);
  std::vector<bool> used(n, false);
  for (int64_t i = 0; i < n; ++i) {
    const int64_t d = normalize_dim(dims[i], n);
    UFLOW_CHECK(!used[d], "permute: dimension ", d, " repeated");
    used[d] = true;
    shape[i] = x.shape()[d];
    strides[i] = x.strides()[d];
  }
  return Tensor::view_of(x, shape, strides, x.offset());
}

Tensor transpose(const Tensor& x, int64_t d0, int64_t d1) {
  std::vector<int64_t> dims(x.dim());
  std::iota(dims.begin(), dims.end(), 0);
  std::swap(dims[normalize_dim(d0, x.dim())], dims[normalize_dim(d1, x.dim())]);
  return permute(x, dims);
}

Tensor narrow(const Tensor& x, int64_t dim, int64_t start, int64_t length) {
  // Unlike slice, narrow does not clamp: a range outside the dim is an error (as in PyTorch).
  const int64_t d = normalize_dim(dim, x.dim());
  UFLOW_CHECK(start >= 0 && length >= 0 && start + length <= x.size(d), "narrow: [", start, ", ",
              start + length, ") out of range for dimension ", d, " of ", shape_str(x.shape()));
  return slice(x, d, start, start + length, 1);
}

Tensor slice(const Tensor& x, int64_t dim, int64_t start, int64_t end, int64_t step) {
  dim = normalize_dim(dim, x.dim());
  const int64_t n = x.shape()[dim];
  UFLOW_CHECK(step > 0, "slice: step must be positive, got ", step);
  if (start < 0) start += n;
  if (end < 0) end += n;
  start = std::clamp<int64_t>(start, 0, n);
  end = std::clamp<int64_t>(end, start, n);
  Shape shape = x.shape(), strides = x.strides();
  shape[dim] = (end - start + step - 1) / step;
  strides[dim] *= step;
  return Tensor::view_of(x, shape, strides, x.offset() + start * x.strides()[dim]);
}

Tensor expand(const Tensor& x, const Shape& shape) {
  UFLOW_CHECK(shape.size() >= static_cast<size_t>(x.dim()), "expand: ", shape_str(x.shape()),
              " has more dims than ", shape_str(shape));
  Shape target = shape;
  const size_t lead = shape.size() - x.dim();
  for (size_t i = 0; i < lead; ++i)
    UFLOW_CHECK(shape[i] >= 0, "expand: new leading dimension ", i, " of ", shape_str(shape),
                " must be given explicitly");
  for (size_t i = 0; i < static_cast<size_t>(x.dim()); ++i)
    if (target[lead + i] == -1) target[lead + i] = x.shape()[i];
  Shape strides(target.size(), 0);
  for (size_t i = 0; i < static_cast<size_t>(x.dim()); ++i) {
    const int64_t d = x.shape()[i];
    UFLOW_CHECK(d == target[lead + i] || d == 1, "expand: cannot expand ", shape_str(x.shape()),
                " to ", shape_str(shape));
    strides[lead + i] = (d == 1 && target[lead + i] != 1) ? 0 : x.strides()[i];
  }
  return Tensor::view_of(x, target, strides, x.offset());
}

Tensor unsqueeze(const Tensor& x, int64_t dim) {
  dim = normalize_dim(dim, x.dim() + 1);
  Shape shape = x.shape(), strides = x.strides();
  const int64_t st = dim < x.dim() ? x.strides()[dim] * x.shape()[dim] : 1;
  shape.insert(shape.begin() + dim, 1);
  strides.insert(strides.begin() + dim, st);
  return Tensor::view_of(x, shape, strides, x.offset());
}

Tensor squeeze(const Tensor& x, int64_t dim) {
  dim = normalize_dim(dim, x.dim());
  UFLOW_CHECK(x.shape()[dim] == 1, "squeeze: dimension ", dim, " of ", shape_str(x.shape()),
              " is not 1");
  Shape shape = x.shape(), strides = x.strides();
  shape.erase(shape.begin() + dim);
  strides.erase(strides.begin() + dim);
  return Tensor::view_of(x, shape, strides, x.offset());
}

}  // namespace uflow::kernels
