// One Adam step for one element, written once for the CPU loop (tensor/cpu/adam_update.cpp)
// and the CUDA kernel (tensor/cuda/adam_update.cu). PyTorch's torch.optim.Adam (not AdamW):
//   g' = g + λ·θ                         (weight decay added to the gradient)
//   m  = β₁·m + (1 − β₁)·g'
//   v  = β₂·v + (1 − β₂)·g'²
//   θ  = θ − (lr / bc₁) · m / (√v / √bc₂ + ε),   bc_k = 1 − β_k^step
// Every operation and its rounding are those of the unfused sequence of element-wise ops the
// optimiser ran before (layers/adam.cpp), so both give the same bits.
#pragma once
#include <cmath>
#include <cstdint>

#include "tensor/dtype.h"

namespace uflow {

struct AdamStepArgs {
  double lr = 1e-3, beta1 = 0.9, beta2 = 0.999, eps = 1e-8, weight_decay = 0;
  int64_t step = 1;  // the step being taken, from 1
};

namespace adam {

// The step's scalars in the parameters' precision.
template <typename T>
struct Coefficients {
  T weight_decay, beta1, one_minus_beta1, beta2, one_minus_beta2, inv_sqrt_bc2, eps, neg_lr_bc1;
  bool decay;
};

template <typename T>
Coefficients<T> coefficients(const AdamStepArgs& a) {
  const double bc1 = 1.0 - std::pow(a.beta1, static_cast<double>(a.step));
  const double bc2 = 1.0 - std::pow(a.beta2, static_cast<double>(a.step));
  return {static_cast<T>(a.weight_decay),
          static_cast<T>(a.beta1),
          static_cast<T>(1.0 - a.beta1),
          static_cast<T>(a.beta2),
          static_cast<T>(1.0 - a.beta2),
          static_cast<T>(1.0 / std::sqrt(bc2)),
          static_cast<T>(a.eps),
          static_cast<T>(-a.lr / bc1),
          a.weight_decay != 0};
}

template <typename T>
UFLOW_HD void update(T& p, T g, T& m, T& v, const Coefficients<T>& c) {
  using std::sqrt;
  if (c.decay) g = g + c.weight_decay * p;
  m = c.beta1 * m + c.one_minus_beta1 * g;
  v = c.beta2 * v + c.one_minus_beta2 * (g * g);
  const T denom = c.inv_sqrt_bc2 * sqrt(v) + c.eps;
  p = p + c.neg_lr_bc1 * (m / denom);
}

}  // namespace adam
}  // namespace uflow
