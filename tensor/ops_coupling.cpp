// The fused affine coupling of AllInOneBlock: argument checks, then the backend's kernels
// (tensor/cpu/affine_coupling.cpp, tensor/cuda/affine_coupling.cu).
#include <string>

#include "tensor/backend.h"
#include "tensor/op_checks.h"
#include "tensor/ops.h"
#include "tensor/profiler.h"

namespace uflow::kernels {
namespace {

void check_coupling(const char* op, const Tensor& x, const Tensor& a,
                    const std::vector<int64_t>& perm, const CouplingSpec& spec) {
  check_defined(op, x);
  check_defined(op, a);
  check_same_kind(op, {&x, &a});
  UFLOW_CHECK(spec.c1 >= 1 && spec.c2 >= 1 && spec.clamp > 0, op, ": invalid split ", spec.c1, "/",
              spec.c2, " or clamp ", spec.clamp);
  UFLOW_CHECK(x.dim() == 4 && x.size(1) == spec.c1 + spec.c2, op, ": x must be (B, ",
              spec.c1 + spec.c2, ", H, W), got ", shape_str(x.shape()));
  UFLOW_CHECK(a.shape() == (Shape{x.size(0), 2 * spec.c2, x.size(2), x.size(3)}), op,
              ": the subnet output must be (B, ", 2 * spec.c2, ", H, W) for x ",
              shape_str(x.shape()), ", got ", shape_str(a.shape()));
  const int64_t C = x.size(1);
  UFLOW_CHECK(perm.empty() || static_cast<int64_t>(perm.size()) == C, op, ": permutation of ",
              perm.size(), " entries for ", C, " channels");
  std::vector<bool> seen(perm.size(), false);
  for (int64_t p : perm) {
    UFLOW_CHECK(p >= 0 && p < C && !seen[p], op, ": the index list is not a permutation of 0..",
                C - 1);
    seen[p] = true;
  }
}

// A per-channel (1, C, 1, 1) parameter as a contiguous (C) vector.
Tensor channel_vector(const char* op, const char* what, const Tensor& t, const Tensor& x) {
  check_defined(op, t);
  check_same_kind(op, {&x, &t});
  UFLOW_CHECK(t.numel() == x.size(1), op, ": ", what, " needs ", x.size(1), " values, got ",
              shape_str(t.shape()));
  return reshape(contiguous(t), {x.size(1)});
}

}  // namespace

Tensor affine_coupling(const Tensor& x_in, const Tensor& a_in, const Tensor& scale,
                       const Tensor& offset, const std::vector<int64_t>& perm,
                       const CouplingSpec& spec) {
  profile::Scope scope(profile::Kind::coupling);
  check_coupling("affine_coupling", x_in, a_in, perm, spec);
  const Tensor s = channel_vector("affine_coupling", "scale", scale, x_in);
  const Tensor o = channel_vector("affine_coupling", "offset", offset, x_in);
  const Tensor x = contiguous(x_in), a = contiguous(a_in);
  Tensor y = Tensor::empty(x.shape(), x.dtype(), x.device());
  if (y.numel() == 0) return y;
  backend_of(x).coupling_forward(y, x, a, s, o, perm, spec);
  return y;
}

CouplingGrads affine_coupling_backward(const Tensor& dy_in, const Tensor& x_in, const Tensor& a_in,
                                       const Tensor& scale, const std::vector<int64_t>& perm,
                                       const CouplingSpec& spec) {
  profile::Scope scope(profile::Kind::coupling);
  check_coupling("affine_coupling_backward", x_in, a_in, perm, spec);
  check_same_kind("affine_coupling_backward", {&x_in, &dy_in});
  UFLOW_CHECK(dy_in.shape() == x_in.shape(), "affine_coupling_backward: gradient ",
              shape_str(dy_in.shape()), " differs from x ", shape_str(x_in.shape()));
  const Tensor s = channel_vector("affine_coupling_backward", "scale", scale, x_in);
  const Tensor x = contiguous(x_in), a = contiguous(a_in), dy = contiguous(dy_in);
  const int64_t B = x.size(0), C = x.size(1);
  CouplingGrads r;
  r.dx = Tensor::empty(x.shape(), x.dtype(), x.device());
  r.da = Tensor::empty(a.shape(), a.dtype(), a.device());
  const Tensor dscale_bc = Tensor::empty({B, C}, x.dtype(), x.device());
  const Tensor doffset_bc = Tensor::empty({B, C}, x.dtype(), x.device());
  if (x.numel() > 0)
    backend_of(x).coupling_backward(r.dx, r.da, dscale_bc, doffset_bc, dy, x, a, s, perm, spec);
  else {
    fill_(dscale_bc, 0.0);
    fill_(doffset_bc, 0.0);
  }
  r.dscale = reshape(reduce(ReduceOp::sum, dscale_bc, {0}), {1, C, 1, 1});
  r.doffset = reshape(reduce(ReduceOp::sum, doffset_bc, {0}), {1, C, 1, 1});
  return r;
}

Tensor coupling_log_scale_sum(const Tensor& a_in, const CouplingSpec& spec) {
  profile::Scope scope(profile::Kind::coupling);
  check_defined("coupling_log_scale_sum", a_in);
  UFLOW_CHECK(a_in.dim() == 4 && a_in.size(1) == 2 * spec.c2 && spec.clamp > 0,
              "coupling_log_scale_sum: the subnet output must be (B, ", 2 * spec.c2,
              ", H, W), got ", shape_str(a_in.shape()));
  const Tensor a = contiguous(a_in);
  Tensor out = Tensor::empty({a.size(0)}, a.dtype(), a.device());
  if (out.numel() == 0) return out;
  backend_of(a).coupling_log_scale_sum(out, a, spec);
  return out;
}

Tensor coupling_log_scale_sum_backward(const Tensor& grad_in, const Tensor& a_in,
                                       const CouplingSpec& spec) {
  profile::Scope scope(profile::Kind::coupling);
  check_defined("coupling_log_scale_sum_backward", a_in);
  check_same_kind("coupling_log_scale_sum_backward", {&a_in, &grad_in});
  UFLOW_CHECK(
      a_in.dim() == 4 && a_in.size(1) == 2 * spec.c2 && grad_in.shape() == Shape{a_in.size(0)},
      "coupling_log_scale_sum_backward: a ", shape_str(a_in.shape()), " and gradient ",
      shape_str(grad_in.shape()), " do not fit ", spec.c2, " transformed channels");
  const Tensor a = contiguous(a_in), g = contiguous(grad_in);
  Tensor da = Tensor::empty(a.shape(), a.dtype(), a.device());
  if (da.numel() == 0) return da;
  backend_of(a).coupling_log_scale_sum_backward(da, g, a, spec);
  return da;
}

}  // namespace uflow::kernels
