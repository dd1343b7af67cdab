// Whether float32 GEMMs and convolutions on the GPU may use TF32 tensor cores. Off by default:
// TF32 keeps only 10 mantissa bits, which moves results visibly away from the CPU reference.
// Exists in every build so callers need no #ifdef; without CUDA it has no effect.
#pragma once
#include <atomic>

namespace uflow::cuda {

namespace detail {
inline std::atomic<bool> g_allow_tf32{false};
}

inline void set_allow_tf32(bool on) {
  detail::g_allow_tf32.store(on);
}
inline bool allow_tf32() {
  return detail::g_allow_tf32.load();
}

}  // namespace uflow::cuda
