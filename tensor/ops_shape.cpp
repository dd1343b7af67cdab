// cat, 2-d padding and pixel (un)shuffle. cat and the shuffles are strided copies (copy_ into
// views, or a permuted view made contiguous), so they run on either backend and take inputs
// of any strides; padding has its own kernels in tensor/cpu and tensor/cuda.
#include <algorithm>

#include "tensor/backend.h"
#include "tensor/op_checks.h"
#include "tensor/ops.h"
#include "tensor/profiler.h"

namespace uflow::kernels {
namespace {

Pad2dGeometry pad2d_geometry(const Shape& x_shape, int64_t left, int64_t right, int64_t top,
                             int64_t bottom, PadMode mode, const char* op) {
  UFLOW_CHECK(x_shape.size() >= 2, op, ": needs at least 2 dims (…, H, W), got ",
              shape_str(x_shape));
  UFLOW_CHECK(left >= 0 && right >= 0 && top >= 0 && bottom >= 0, op,
              ": padding must be non-negative, got (left ", left, ", right ", right, ", top ", top,
              ", bottom ", bottom, ")");
  Pad2dGeometry g;
  g.h = x_shape[x_shape.size() - 2];
  g.w = x_shape.back();
  g.planes = shape_numel(Shape(x_shape.begin(), x_shape.end() - 2));
  g.oh = g.h + top + bottom;
  g.ow = g.w + left + right;
  g.top = top;
  g.left = left;
  g.reflect = mode == PadMode::reflect;
  if (g.reflect)
    UFLOW_CHECK(std::max(top, bottom) < g.h && std::max(left, right) < g.w, op,
                ": reflect padding (left ", left, ", right ", right, ", top ", top, ", bottom ",
                bottom, ") must be smaller than the input's H×W ", g.h, "×", g.w);
  return g;
}

Shape with_last2(const Shape& s, int64_t h, int64_t w) {
  Shape out(s.begin(), s.end() - 2);
  out.push_back(h);
  out.push_back(w);
  return out;
}

}  // namespace

Tensor cat(const std::vector<Tensor>& xs, int64_t dim) {
  profile::Scope scope(profile::Kind::shape);
  UFLOW_CHECK(!xs.empty(), "cat: no tensors given");
  const Tensor& first = xs.front();
  UFLOW_CHECK(first.dim() > 0, "cat: zero-dimensional tensors cannot be concatenated");
  dim = normalize_dim(dim, first.dim());
  Shape shape = first.shape();
  shape[dim] = 0;
  for (size_t i = 0; i < xs.size(); ++i) {
    const Tensor& x = xs[i];
    check_same_kind("cat", {&first, &x});
    bool match = x.dim() == first.dim();
    for (int64_t d = 0; match && d < x.dim(); ++d) match = d == dim || x.size(d) == first.size(d);
    UFLOW_CHECK(match, "cat: tensor ", i, " has shape ", shape_str(x.shape()),
                ", which differs from ", shape_str(first.shape()), " outside dim ", dim);
    shape[dim] += x.size(dim);
  }
  Tensor out = Tensor::empty(shape, first.dtype(), first.device());
  int64_t start = 0;
  for (const Tensor& x : xs) {
    if (x.numel() > 0) copy_(narrow(out, dim, start, x.size(dim)), x);
    start += x.size(dim);
  }
  return out;
}

Tensor pad2d(const Tensor& x_in, int64_t left, int64_t right, int64_t top, int64_t bottom,
             PadMode mode) {
  profile::Scope scope(profile::Kind::shape);
  const Pad2dGeometry g = pad2d_geometry(x_in.shape(), left, right, top, bottom, mode, "pad2d");
  const Tensor x = contiguous(x_in);
  Tensor y = Tensor::empty(with_last2(x.shape(), g.oh, g.ow), x.dtype(), x.device());
  if (y.numel() == 0) return y;
  backend_of(x).pad2d(y, x, g);
  return y;
}

Tensor pad2d_backward(const Tensor& grad_in, const Shape& x_shape, int64_t left, int64_t right,
                      int64_t top, int64_t bottom, PadMode mode) {
  profile::Scope scope(profile::Kind::shape);
  const Pad2dGeometry g = pad2d_geometry(x_shape, left, right, top, bottom, mode, "pad2d_backward");
  UFLOW_CHECK(grad_in.shape() == with_last2(x_shape, g.oh, g.ow), "pad2d_backward: gradient ",
              shape_str(grad_in.shape()), " does not match the padded shape of ",
              shape_str(x_shape));
  const Tensor grad = contiguous(grad_in);
  Tensor dx = Tensor::empty(x_shape, grad.dtype(), grad.device());
  if (dx.numel() == 0) return dx;
  backend_of(grad).pad2d_backward(dx, grad, g);
  return dx;
}

// x (…, C·r², H, W) seen as (B, C, r, r, H, W) and permuted to (B, C, H, r, W, r).
Tensor pixel_shuffle(const Tensor& x, int64_t r) {
  UFLOW_CHECK(r >= 1, "pixel_shuffle: factor must be positive, got ", r);
  UFLOW_CHECK(x.dim() >= 3, "pixel_shuffle: needs (…, C, H, W), got ", shape_str(x.shape()));
  const int64_t c = x.size(-3), h = x.size(-2), w = x.size(-1);
  UFLOW_CHECK(c % (r * r) == 0, "pixel_shuffle: ", c,
              " channels are not divisible by r² = ", r * r);
  const Shape lead(x.shape().begin(), x.shape().end() - 3);
  const int64_t b = shape_numel(lead), co = c / (r * r);
  Tensor v = permute(reshape(x, {b, co, r, r, h, w}), {0, 1, 4, 2, 5, 3});
  Shape out = lead;
  out.insert(out.end(), {co, h * r, w * r});
  return reshape(contiguous(v), out);
}

// The inverse: x (…, C, H·r, W·r) seen as (B, C, H, r, W, r) and permuted to (B, C, r, r, H, W).
Tensor pixel_unshuffle(const Tensor& x, int64_t r) {
  UFLOW_CHECK(r >= 1, "pixel_unshuffle: factor must be positive, got ", r);
  UFLOW_CHECK(x.dim() >= 3, "pixel_unshuffle: needs (…, C, H, W), got ", shape_str(x.shape()));
  const int64_t c = x.size(-3), h = x.size(-2), w = x.size(-1);
  UFLOW_CHECK(h % r == 0 && w % r == 0, "pixel_unshuffle: H×W ", h, "×", w, " is not divisible by ",
              r);
  const Shape lead(x.shape().begin(), x.shape().end() - 3);
  const int64_t b = shape_numel(lead), ho = h / r, wo = w / r;
  Tensor v = permute(reshape(x, {b, c, ho, r, wo, r}), {0, 1, 3, 5, 2, 4});
  Shape out = lead;
  out.insert(out.end(), {c * r * r, ho, wo});
  return reshape(contiguous(v), out);
}

}  // namespace uflow::kernels
