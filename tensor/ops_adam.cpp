// The fused Adam update: argument checks, then one backend call for all parameters
// (tensor/cpu/adam_update.cpp, tensor/cuda/adam_update.cu).
#include "tensor/backend.h"
#include "tensor/op_checks.h"
#include "tensor/ops.h"
#include "tensor/profiler.h"

namespace uflow::kernels {

void adam_update(const std::vector<AdamTensors>& groups, const AdamStepArgs& args) {
  profile::Scope scope(profile::Kind::optimizer);
  if (groups.empty()) return;
  UFLOW_CHECK(args.step >= 1, "adam_update: step must be at least 1, got ", args.step);
  const Tensor& first = groups.front().param;
  for (const AdamTensors& t : groups) {
    for (const Tensor* x : {&t.param, &t.grad, &t.m, &t.v}) {
      check_defined("adam_update", *x);
      check_same_kind("adam_update", {&first, x});
      UFLOW_CHECK(x->shape() == t.param.shape(), "adam_update: a tensor of shape ",
                  shape_str(x->shape()), " for a parameter of shape ", shape_str(t.param.shape()));
    }
    for (const Tensor* x : {&t.param, &t.m, &t.v})
      UFLOW_CHECK(x->is_contiguous(), "adam_update: parameters and moments must be contiguous");
  }
  std::vector<AdamTensors> dense = groups;
  for (AdamTensors& t : dense) t.grad = contiguous(t.grad);
  backend_of(first).adam_update(dense, args);
}

}  // namespace uflow::kernels
