#include "weights/finite_check.h"

#include <cmath>

#include "tensor/ops.h"

namespace uflow {

int64_t first_non_finite(const Tensor& t) {
  const Tensor c = kernels::contiguous(kernels::to_device(t, Device::cpu));
  const int64_t n = c.numel();
  if (c.dtype() == DType::f32) {
    const float* p = c.data<float>();
    for (int64_t i = 0; i < n; ++i)
      if (!std::isfinite(p[i])) return i;
  } else {
    const double* p = c.data<double>();
    for (int64_t i = 0; i < n; ++i)
      if (!std::isfinite(p[i])) return i;
  }
  return -1;
}

void require_finite(const Tensor& t, const std::string& file, const std::string& dataset) {
  const int64_t i = first_non_finite(t);
  if (i < 0) return;
  const Tensor c = kernels::contiguous(kernels::to_device(t, Device::cpu));
  const double v = c.dtype() == DType::f32 ? c.data<float>()[i] : c.data<double>()[i];
  UFLOW_FAIL(file, ": dataset '", dataset, "' holds a non-finite value (",
             std::isnan(v) ? "NaN" : (v > 0 ? "+Inf" : "-Inf"), " at element ", i, " of shape ",
             shape_str(t.shape()), ")");
}

bool all_finite(const std::vector<Tensor>& ts) {
  // x − x is 0 for every finite x and NaN for NaN and ±Inf, so the sum of all differences is 0
  // exactly when everything is finite (a sum of the values themselves could overflow).
  std::vector<Tensor> sums;
  for (const Tensor& t : ts) {
    if (t.numel() == 0) continue;
    const Tensor flat = kernels::reshape(kernels::contiguous(t), {t.numel()});
    const Tensor diff = kernels::binary(BinaryOp::sub, flat, flat);
    sums.push_back(kernels::reshape(
        kernels::to_dtype(kernels::reduce(ReduceOp::sum, diff, {0}), DType::f64), {1}));
  }
  if (sums.empty()) return true;
  const double total = kernels::reduce(ReduceOp::sum, kernels::cat(sums, 0), {0}).item();
  return total == 0.0;
}

}  // namespace uflow
