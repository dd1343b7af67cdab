// Differentiable cat, split, stack, padding, pixel (un)shuffle and interpolation.
// split and stack are compositions of narrow/unsqueeze/cat and need no node of their own.
#include "autograd/ops.h"

namespace uflow {

Tensor cat(const std::vector<Tensor>& xs, int64_t dim) {
  Tensor y = kernels::cat(xs, dim);
  if (!needs_grad(xs)) return y;
  dim = normalize_dim(dim, y.dim());
  std::vector<int64_t> sizes;
  for (const Tensor& x : xs) sizes.push_back(x.size(dim));
  return record(y, "cat", xs, [dim, sizes](const Tensor& g) {
    std::vector<Tensor> grads;
    int64_t start = 0;
    for (int64_t n : sizes) {
      grads.push_back(kernels::narrow(g, dim, start, n));
      start += n;
    }
    return grads;
  });
}

std::vector<Tensor> split(const Tensor& x, const std::vector<int64_t>& sizes, int64_t dim) {
  dim = normalize_dim(dim, x.dim());
  int64_t total = 0;
  for (int64_t n : sizes) {
    UFLOW_CHECK(n >= 0, "split: negative part size ", n);
    total += n;
  }
  UFLOW_CHECK(total == x.size(dim), "split: parts sum to ", total, " but dim ", dim, " of ",
              shape_str(x.shape()), " has ", x.size(dim));
  std::vector<Tensor> parts;
  int64_t start = 0;
  for (int64_t n : sizes) {
    parts.push_back(narrow(x, dim, start, n));
    start += n;
  }
  return parts;
}

Tensor stack(const std::vector<Tensor>& xs, int64_t dim) {
  UFLOW_CHECK(!xs.empty(), "stack: no tensors given");
  for (size_t i = 1; i < xs.size(); ++i)
    UFLOW_CHECK(xs[i].shape() == xs[0].shape(), "stack: tensor ", i, " has shape ",
                shape_str(xs[i].shape()), ", tensor 0 has ", shape_str(xs[0].shape()));
  dim = normalize_dim(dim, xs[0].dim() + 1);
  std::vector<Tensor> parts;
  for (const Tensor& x : xs) parts.push_back(unsqueeze(x, dim));
  return cat(parts, dim);
}

Tensor pad2d(const Tensor& x, int64_t left, int64_t right, int64_t top, int64_t bottom,
             PadMode mode) {
  Tensor y = kernels::pad2d(x, left, right, top, bottom, mode);
  if (!needs_grad({x})) return y;
  return record(y, "pad2d", {x}, [xs = x.shape(), left, right, top, bottom, mode](const Tensor& g) {
    return std::vector<Tensor>{kernels::pad2d_backward(g, xs, left, right, top, bottom, mode)};
  });
}

Tensor pixel_shuffle(const Tensor& x, int64_t r) {
  Tensor y = kernels::pixel_shuffle(x, r);
  if (!needs_grad({x})) return y;
  return record(y, "pixel_shuffle", {x}, [r](const Tensor& g) {
    return std::vector<Tensor>{kernels::pixel_unshuffle(g, r)};
  });
}

Tensor pixel_unshuffle(const Tensor& x, int64_t r) {
  Tensor y = kernels::pixel_unshuffle(x, r);
  if (!needs_grad({x})) return y;
  return record(y, "pixel_unshuffle", {x},
                [r](const Tensor& g) { return std::vector<Tensor>{kernels::pixel_shuffle(g, r)}; });
}

Tensor interpolate(const Tensor& x, int64_t out_h, int64_t out_w, InterpMode mode,
                   bool align_corners, bool antialias) {
  Tensor y = kernels::interpolate(x, out_h, out_w, mode, align_corners, antialias);
  if (!needs_grad({x})) return y;
  return record(
      y, "interpolate", {x},
      [in_h = x.size(-2), in_w = x.size(-1), mode, align_corners, antialias](const Tensor& g) {
        return std::vector<Tensor>{
            kernels::interpolate_backward(g, in_h, in_w, mode, align_corners, antialias)};
      });
}

}  // namespace uflow
