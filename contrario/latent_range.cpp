#include "contrario/latent_range.h"

#include <cmath>

#include "tensor/ops.h"

namespace uflow::contrario {

std::string latent_range_problem(const Tensor& z) {
  if (z.numel() == 0) return "";
  const Tensor flat = kernels::reshape(kernels::contiguous(z), {z.numel()});
  // z − z is NaN exactly at NaN and ±Inf; max |z| alone could hide a NaN.
  const Tensor stats = kernels::cat(
      {kernels::reshape(
           kernels::reduce(ReduceOp::sum, kernels::binary(BinaryOp::sub, flat, flat), {0}), {1}),
       kernels::reshape(kernels::reduce(ReduceOp::max, kernels::unary(UnaryOp::abs, flat), {0}),
                        {1})},
      0);
  const std::vector<double> v = stats.to_vector();
  if (!(v[0] == 0.0)) return "holds NaN or ±Inf values";
  if (v[1] > kMaxLatent)
    return detail::concat("holds values up to ", v[1],
                          " in magnitude (the NFA accepts |z| <= ", kMaxLatent, ")");
  return "";
}

}  // namespace uflow::contrario
