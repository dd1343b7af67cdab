// Reductions: every request is brought to a contiguous (A, R, K) layout reduced over R, by a
// free view when the reduced dims are one contiguous block of a contiguous tensor, and by one
// permuting copy otherwise.
#include <algorithm>

#include "tensor/backend.h"
#include "tensor/cuda/runtime.h"
#include "tensor/ops.h"
#include "tensor/profiler.h"

namespace uflow::kernels {
namespace {

struct Plan {
  Tensor x;  // contiguous, laid out as (A, R, K)
  int64_t A = 1, R = 1, K = 1;
  Shape out_shape;
};

Plan make_plan(const char* op, const Tensor& x, std::vector<int64_t> dims, bool keepdim) {
  UFLOW_CHECK(x.defined(), op, ": undefined input tensor");
  const int64_t nd = x.dim();
  std::vector<bool> reduced(nd, dims.empty());
  for (int64_t d : dims) {
    const int64_t n = normalize_dim(d, nd);
    UFLOW_CHECK(!reduced[n], op, ": dimension ", n, " listed twice");
    reduced[n] = true;
  }
  Plan p;
  for (int64_t d = 0; d < nd; ++d) {
    if (reduced[d]) {
      if (keepdim) p.out_shape.push_back(1);
    } else {
      p.out_shape.push_back(x.size(d));
    }
  }
  // Reduced dims that form one block [first, last] of a contiguous tensor need no copy.
  int64_t first = nd, last = -1;
  for (int64_t d = 0; d < nd; ++d)
    if (reduced[d]) first = std::min(first, d), last = std::max(last, d);
  bool block = true;
  for (int64_t d = first; d <= last; ++d) block = block && reduced[d];
  if (x.is_contiguous() && block) {
    p.x = x;
    for (int64_t d = 0; d < nd; ++d) {
      if (d < first)
        p.A *= x.size(d);
      else if (d <= last)
        p.R *= x.size(d);
      else
        p.K *= x.size(d);
    }
    return p;
  }
  std::vector<int64_t> perm;
  for (int64_t d = 0; d < nd; ++d)
    if (!reduced[d]) perm.push_back(d), p.A *= x.size(d);
  for (int64_t d = 0; d < nd; ++d)
    if (reduced[d]) perm.push_back(d), p.R *= x.size(d);
  p.x = contiguous(permute(x, perm));
  return p;
}

// Contiguous x whose reduced dims form several separate blocks (a bias gradient sums (N, C, H,
// W) over N, H and W): reduce block by block, last first, each step a free view, instead of
// one permuting copy of the whole input. Mean of equal-sized group means is the mean.
std::optional<Tensor> reduce_by_blocks(ReduceOp op, const Tensor& x,
                                       const std::vector<int64_t>& dims, bool keepdim) {
  if (!x.is_contiguous() || dims.empty()) return std::nullopt;
  std::vector<bool> reduced(x.dim(), false);
  for (int64_t d : dims) {
    const int64_t n = normalize_dim(d, x.dim());
    if (reduced[n]) return std::nullopt;  // the plan reports repeated dims
    reduced[n] = true;
  }
  std::vector<std::vector<int64_t>> blocks;
  for (int64_t d = 0; d < x.dim(); ++d) {
    if (!reduced[d]) continue;
    if (d > 0 && reduced[d - 1])
      blocks.back().push_back(d);
    else
      blocks.push_back({d});
  }
  if (blocks.size() < 2) return std::nullopt;
  Tensor cur = x;
  for (auto it = blocks.rbegin(); it != blocks.rend(); ++it) cur = reduce(op, cur, *it, true);
  if (keepdim) return cur;
  Shape out_shape;
  for (int64_t d = 0; d < x.dim(); ++d)
    if (!reduced[d]) out_shape.push_back(x.size(d));
  return reshape(cur, out_shape);
}

}  // namespace

Tensor reduce(ReduceOp op, const Tensor& x, std::vector<int64_t> dims, bool keepdim) {
  profile::Scope scope(profile::Kind::reduction);
  UFLOW_CHECK(x.defined(), "reduce: undefined input tensor");
  if (auto staged = reduce_by_blocks(op, x, dims, keepdim)) return *staged;
  Plan p = make_plan("reduce", x, std::move(dims), keepdim);
  UFLOW_CHECK(p.R > 0 || op == ReduceOp::sum || op == ReduceOp::mean,
              "reduce: max/min over an empty set of elements of ", describe(x));
  Tensor out = Tensor::empty(p.out_shape, x.dtype(), x.device());
  if (out.numel() > 0) backend_of(x).reduce(op, out, p.x, p.A, p.R, p.K);
  return out;
}

std::vector<int64_t> argmax(const Tensor& x, int64_t dim) {
  profile::Scope scope(profile::Kind::reduction);
  UFLOW_CHECK(x.defined(), "argmax: undefined input tensor");
  Plan p = make_plan("argmax", x, {normalize_dim(dim, std::max<int64_t>(x.dim(), 1))}, false);
  UFLOW_CHECK(p.R > 0, "argmax over an empty dimension of ", describe(x));
  std::vector<int64_t> out(static_cast<size_t>(p.A * p.K));
  if (out.empty()) return out;
  if (x.device() == Device::cpu) {
    backend_of(x).argmax(out.data(), p.x, p.A, p.R, p.K);
    return out;
  }
  // Indices are computed where x lives and brought to the host.
  const size_t bytes = out.size() * sizeof(int64_t);
  Storage indices(bytes, x.device());
  backend_of(x).argmax(static_cast<int64_t*>(indices.data()), p.x, p.A, p.R, p.K);
  cuda::copy_bytes(out.data(), Device::cpu, indices.data(), x.device(), bytes);
  return out;
}

Tensor var(const Tensor& x, std::vector<int64_t> dims, bool unbiased, bool keepdim) {
  profile::Scope scope(profile::Kind::reduction);
  Plan p = make_plan("var", x, std::move(dims), keepdim);
  Tensor out = Tensor::empty(p.out_shape, x.dtype(), x.device());
  if (out.numel() > 0) backend_of(x).var(out, p.x, p.A, p.R, p.K, unbiased ? 1 : 0);
  return out;
}

Tensor sum_to(const Tensor& grad, const Shape& shape) {
  UFLOW_CHECK(grad.defined(), "sum_to: undefined gradient");
  if (grad.shape() == shape) return grad;
  const int64_t nd = grad.dim(), lead = nd - static_cast<int64_t>(shape.size());
  UFLOW_CHECK(lead >= 0, "sum_to: ", shape_str(grad.shape()), " cannot be summed to ",
              shape_str(shape));
  std::vector<int64_t> dims;
  for (int64_t d = 0; d < nd; ++d) {
    if (d < lead) {
      dims.push_back(d);
      continue;
    }
    const int64_t target = shape[d - lead];
    UFLOW_CHECK(target == grad.size(d) || target == 1, "sum_to: ", shape_str(grad.shape()),
                " cannot be summed to ", shape_str(shape));
    if (target == 1 && grad.size(d) != 1) dims.push_back(d);
  }
  if (dims.empty()) return reshape(grad, shape);
  return reshape(reduce(ReduceOp::sum, grad, dims, true), shape);
}

}  // namespace uflow::kernels
