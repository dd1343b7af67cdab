// The affine coupling of FrEIA's AllInOneBlock (flow/all_in_one_block.h), element by element,
// written once for the CPU loops (tensor/cpu/affine_coupling.cpp) and the CUDA kernels
// (tensor/cuda/affine_coupling.cu). With a the raw subnet output (before FrEIA's factor 0.1):
//   u = 0.1·a_s (pinned clamp) or 0.1·a_s / clamp (scaled clamp),  s = clamp · tanh(u)
//   t = 0.1·a_t
//   y_pre = x1 on the passive channels, x2·e^s + t on the transformed ones
//   y = S ⊙ y_pre + offset, then the channel permutation.
// The operations and their order are those of the composite path in
// flow/all_in_one_block.cpp; on the CPU in float, exp and tanh come from
// tensor/cpu/vector_math.h (vectorisable, within a few ulps of the library's), elsewhere from
// the platform.
#pragma once
#include <cmath>
#include <cstdint>
#include <type_traits>
#include <vector>

#include "tensor/dtype.h"
#if !defined(__CUDA_ARCH__)
#include "tensor/cpu/vector_math.h"
#endif

namespace uflow {

// Which channels are passive/transformed and how s is clamped.
struct CouplingSpec {
  int64_t c1 = 0, c2 = 0;  // passive channels (first c1), transformed channels (last c2)
  double clamp = 2.0;
  bool scaled = false;  // s = clamp·tanh(u / clamp) instead of clamp·tanh(u)
};

namespace coupling {

template <typename T>
UFLOW_HD T tanh_of(T x) {
#if !defined(__CUDA_ARCH__)
  if constexpr (std::is_same_v<T, float>) return cpu::vec::tanh(x);
  using std::tanh;
#endif
  return tanh(x);
}
template <typename T>
UFLOW_HD T exp_of(T x) {
#if !defined(__CUDA_ARCH__)
  if constexpr (std::is_same_v<T, float>) return cpu::vec::exp(x);
  using std::exp;
#endif
  return exp(x);
}

template <typename T>
UFLOW_HD T pre_tanh(T a_s, T inv_clamp, bool scaled) {
  const T u = T(0.1) * a_s;
  return scaled ? u * inv_clamp : u;
}
// s = clamp·tanh(u).
template <typename T>
UFLOW_HD T log_scale(T a_s, T clamp, T inv_clamp, bool scaled) {
  return tanh_of(pre_tanh(a_s, inv_clamp, scaled)) * clamp;
}
// ds/da_s = clamp·(1 − tanh²u) · du/da_s, du/da_s = 0.1 (pinned) or 0.1/clamp (scaled).
template <typename T>
UFLOW_HD T log_scale_grad(T a_s, T clamp, T inv_clamp, bool scaled) {
  const T th = tanh_of(pre_tanh(a_s, inv_clamp, scaled));
  return clamp * (T(1) - th * th) * (scaled ? T(0.1) * inv_clamp : T(0.1));
}
template <typename T>
UFLOW_HD T shift(T a_t) {
  return T(0.1) * a_t;
}

// inverse[c] = the output channel that input channel c goes to (identity for an empty perm);
// the backward passes walk input planes and read the gradient where the plane was written.
inline std::vector<int64_t> output_channels(const std::vector<int64_t>& perm, int64_t channels) {
  std::vector<int64_t> inverse(channels);
  for (int64_t o = 0; o < channels; ++o) inverse[perm.empty() ? o : perm[o]] = o;
  return inverse;
}

}  // namespace coupling
}  // namespace uflow
