// Differentiable views, copies and conversions. The backward of a view maps the gradient back
// through the inverse geometry; slices scatter into a zero tensor of the input's shape.
#include <numeric>

#include "autograd/ops.h"

namespace uflow {
namespace {

std::vector<Tensor> one(Tensor g) {
  return std::vector<Tensor>{std::move(g)};
}

}  // namespace

Tensor to_device(const Tensor& x, Device d) {
  Tensor y = kernels::to_device(x, d);
  if (!needs_grad({x})) return y;
  return record(y, "to_device", {x},
                [from = x.device()](const Tensor& g) { return one(kernels::to_device(g, from)); });
}

Tensor to_dtype(const Tensor& x, DType t) {
  Tensor y = kernels::to_dtype(x, t);
  if (!needs_grad({x})) return y;
  return record(y, "to_dtype", {x},
                [from = x.dtype()](const Tensor& g) { return one(kernels::to_dtype(g, from)); });
}

Tensor contiguous(const Tensor& x) {
  Tensor y = kernels::contiguous(x);
  if (!needs_grad({x})) return y;
  return record(y, "contiguous", {x}, [](const Tensor& g) { return one(g); });
}

Tensor clone(const Tensor& x) {
  Tensor y = kernels::clone(x);
  if (!needs_grad({x})) return y;
  return record(y, "clone", {x}, [](const Tensor& g) { return one(g); });
}

Tensor reshape(const Tensor& x, Shape shape) {
  Tensor y = kernels::reshape(x, std::move(shape));
  if (!needs_grad({x})) return y;
  return record(y, "reshape", {x},
                [xs = x.shape()](const Tensor& g) { return one(kernels::reshape(g, xs)); });
}

Tensor flatten(const Tensor& x, int64_t start_dim, int64_t end_dim) {
  const int64_t nd = std::max<int64_t>(x.dim(), 1);
  start_dim = normalize_dim(start_dim, nd);
  end_dim = normalize_dim(end_dim, nd);
  UFLOW_CHECK(start_dim <= end_dim, "flatten: start_dim ", start_dim, " after end_dim ", end_dim);
  if (x.dim() == 0) return reshape(x, {1});
  Shape shape(x.shape().begin(), x.shape().begin() + start_dim);
  int64_t merged = 1;
  for (int64_t d = start_dim; d <= end_dim; ++d) merged *= x.size(d);
  shape.push_back(merged);
  shape.insert(shape.end(), x.shape().begin() + end_dim + 1, x.shape().end());
  return reshape(x, shape);
}

Tensor permute(const Tensor& x, const std::vector<int64_t>& dims) {
  Tensor y = kernels::permute(x, dims);
  if (!needs_grad({x})) return y;
  std::vector<int64_t> inverse(dims.size());
  for (size_t i = 0; i < dims.size(); ++i)
    inverse[normalize_dim(dims[i], x.dim())] = static_cast<int64_t>(i);
  return record(y, "permute", {x},
                [inverse](const Tensor& g) { return one(kernels::permute(g, inverse)); });
}

Tensor transpose(const Tensor& x, int64_t d0, int64_t d1) {
  Tensor y = kernels::transpose(x, d0, d1);
  if (!needs_grad({x})) return y;
  return record(y, "transpose", {x},
                [d0, d1](const Tensor& g) { return one(kernels::transpose(g, d0, d1)); });
}

Tensor slice(const Tensor& x, int64_t dim, int64_t start, int64_t end, int64_t step) {
  Tensor y = kernels::slice(x, dim, start, end, step);
  if (!needs_grad({x})) return y;
  return record(y, "slice", {x}, [xs = x.shape(), dim, start, end, step](const Tensor& g) {
    Tensor dx = kernels::zeros(xs, g.dtype(), g.device());
    kernels::copy_(kernels::slice(dx, dim, start, end, step), g);
    return one(dx);
  });
}

Tensor narrow(const Tensor& x, int64_t dim, int64_t start, int64_t length) {
  Tensor y = kernels::narrow(x, dim, start, length);  // checks the range
  if (!needs_grad({x})) return y;
  return record(y, "narrow", {x}, [xs = x.shape(), dim, start, length](const Tensor& g) {
    Tensor dx = kernels::zeros(xs, g.dtype(), g.device());
    kernels::copy_(kernels::narrow(dx, dim, start, length), g);
    return one(dx);
  });
}

Tensor expand(const Tensor& x, const Shape& shape) {
  Tensor y = kernels::expand(x, shape);
  if (!needs_grad({x})) return y;
  return record(y, "expand", {x},
                [xs = x.shape()](const Tensor& g) { return one(kernels::sum_to(g, xs)); });
}

Tensor unsqueeze(const Tensor& x, int64_t dim) {
  Tensor y = kernels::unsqueeze(x, dim);
  if (!needs_grad({x})) return y;
  return record(y, "unsqueeze", {x},
                [xs = x.shape()](const Tensor& g) { return one(kernels::reshape(g, xs)); });
}

Tensor squeeze(const Tensor& x, int64_t dim) {
  Tensor y = kernels::squeeze(x, dim);
  if (!needs_grad({x})) return y;
  return record(y, "squeeze", {x},
                [xs = x.shape()](const Tensor& g) { return one(kernels::reshape(g, xs)); });
}

}  // namespace uflow
