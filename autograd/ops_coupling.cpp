// Differentiable fused coupling: one tape node per op, whose backward is the fused backward
// kernel (tensor/coupling_math.h has the derivatives).
#include "autograd/ops.h"

namespace uflow {

Tensor affine_coupling(const Tensor& x, const Tensor& a, const Tensor& scale, const Tensor& offset,
                       const std::vector<int64_t>& perm, const CouplingSpec& spec) {
  Tensor y = kernels::affine_coupling(x, a, scale, offset, perm, spec);
  if (!needs_grad({x, a, scale, offset})) return y;
  return record(y, "affine_coupling", {x, a, scale, offset},
                [xd = detach(x), ad = detach(a), sd = detach(scale), perm, spec,
                 scale_shape = scale.shape(), offset_shape = offset.shape()](const Tensor& g) {
                  kernels::CouplingGrads r =
                      kernels::affine_coupling_backward(g, xd, ad, sd, perm, spec);
                  return std::vector<Tensor>{r.dx, r.da, kernels::reshape(r.dscale, scale_shape),
                                             kernels::reshape(r.doffset, offset_shape)};
                });
}

Tensor coupling_log_scale_sum(const Tensor& a, const CouplingSpec& spec) {
  Tensor y = kernels::coupling_log_scale_sum(a, spec);
  if (!needs_grad({a})) return y;
  return record(y, "coupling_log_scale_sum", {a}, [ad = detach(a), spec](const Tensor& g) {
    return std::vector<Tensor>{kernels::coupling_log_scale_sum_backward(g, ad, spec)};
  });
}

}  // namespace uflow
