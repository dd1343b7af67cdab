// Differentiable reductions. Gradients are returned contiguous (materialised from broadcast
// views) so optimisers and accumulation never see stride-0 tensors.
#include <algorithm>

#include "autograd/ops.h"

namespace uflow {
namespace {

// x's shape with the reduced dims set to 1 (all dims when dims is empty), and the number of
// elements reduced into each output.
struct KeptShape {
  Shape shape;
  int64_t count = 1;
};
KeptShape kept_shape(const Tensor& x, const std::vector<int64_t>& dims) {
  KeptShape k{x.shape(), 1};
  if (dims.empty()) {
    for (int64_t& d : k.shape) k.count *= d, d = 1;
    return k;
  }
  for (int64_t d : dims) {
    const int64_t n = normalize_dim(d, x.dim());  // repeats were rejected by the kernel
    k.count *= x.size(n);
    k.shape[n] = 1;
  }
  return k;
}

// g (the reduced output's gradient) broadcast back over x's shape.
Tensor spread(const Tensor& g, const Shape& kept, const Shape& x_shape) {
  return kernels::expand(kernels::reshape(g, kept), x_shape);
}

}  // namespace

Tensor sum(const Tensor& x, std::vector<int64_t> dims, bool keepdim) {
  Tensor y = kernels::reduce(ReduceOp::sum, x, dims, keepdim);
  if (!needs_grad({x})) return y;
  return record(y, "sum", {x}, [k = kept_shape(x, dims), xs = x.shape()](const Tensor& g) {
    return std::vector<Tensor>{kernels::contiguous(spread(g, k.shape, xs))};
  });
}

Tensor mean(const Tensor& x, std::vector<int64_t> dims, bool keepdim) {
  Tensor y = kernels::reduce(ReduceOp::mean, x, dims, keepdim);
  if (!needs_grad({x})) return y;
  return record(y, "mean", {x}, [k = kept_shape(x, dims), xs = x.shape()](const Tensor& g) {
    return std::vector<Tensor>{
        kernels::affine_scalar(spread(g, k.shape, xs), 1.0 / static_cast<double>(k.count), 0.0)};
  });
}

namespace {
// The gradient is shared equally among all positions equal to the extremum.
Tensor extremum(ReduceOp op, const char* name, const Tensor& x, std::vector<int64_t> dims,
                bool keepdim) {
  Tensor y = kernels::reduce(op, x, dims, keepdim);
  if (!needs_grad({x})) return y;
  const KeptShape k = kept_shape(x, dims);
  return record(
      y, name, {x},
      [xd = detach(x), yk = kernels::reshape(detach(y), k.shape), k, dims](const Tensor& g) {
        const Tensor hit = kernels::binary(BinaryOp::eq, xd, yk);
        const Tensor count = kernels::reduce(ReduceOp::sum, hit, dims, true);
        const Tensor share = kernels::binary(BinaryOp::div, kernels::reshape(g, k.shape), count);
        return std::vector<Tensor>{kernels::binary(BinaryOp::mul, hit, share)};
      });
}
}  // namespace

Tensor max(const Tensor& x, std::vector<int64_t> dims, bool keepdim) {
  return extremum(ReduceOp::max, "max", x, std::move(dims), keepdim);
}
Tensor min(const Tensor& x, std::vector<int64_t> dims, bool keepdim) {
  return extremum(ReduceOp::min, "min", x, std::move(dims), keepdim);
}

Tensor var(const Tensor& x, std::vector<int64_t> dims, bool unbiased, bool keepdim) {
  Tensor y = kernels::var(x, dims, unbiased, keepdim);
  if (!needs_grad({x})) return y;
  const KeptShape k = kept_shape(x, dims);
  return record(y, "var", {x}, [xd = detach(x), k, dims, unbiased](const Tensor& g) {
    // d var / dx_i = 2 (x_i - mean) / (N - correction)
    const Tensor centred =
        kernels::binary(BinaryOp::sub, xd, kernels::reduce(ReduceOp::mean, xd, dims, true));
    const double scale = 2.0 / static_cast<double>(k.count - (unbiased ? 1 : 0));
    return std::vector<Tensor>{kernels::binary(
        BinaryOp::mul, centred, kernels::affine_scalar(kernels::reshape(g, k.shape), scale, 0.0))};
  });
}

std::vector<int64_t> argmax(const Tensor& x, int64_t dim) {
  return kernels::argmax(x, dim);
}

}  // namespace uflow
