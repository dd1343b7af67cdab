// How float32 GEMMs and convolutions may round on the GPU. Off (fp32) by default: the reduced
// modes move results visibly away from the CPU reference, so they are opt-in (bench --tf32,
// --precision; predict/eval --precision, for the frozen extractor only).
//  - fp32: full float precision (cuBLAS default math, cuDNN FMA kernels).
//  - tf32: GEMMs and convolutions may use TF32 tensor cores (10 mantissa bits on the inputs,
//    f32 accumulation).
//  - bf16: GEMMs round their f32 inputs to bfloat16 on the fly (8 mantissa bits; cuBLAS's
//    CUBLAS_COMPUTE_32F_FAST_16BF) and accumulate and write in f32; convolutions as tf32.
// float64 is never affected. Exists in every build so callers need no #ifdef; without CUDA it
// has no effect.
#pragma once
#include <atomic>
#include <string>

#include "tensor/error.h"

namespace uflow::cuda {

enum class Precision { fp32, tf32, bf16 };

namespace detail {
inline std::atomic<Precision> g_precision{Precision::fp32};
}

inline void set_precision(Precision p) {
  detail::g_precision.store(p);
}
inline Precision precision() {
  return detail::g_precision.load();
}
// Tensor cores allowed for float32 (tf32 or bf16).
inline bool allow_tf32() {
  return precision() != Precision::fp32;
}
inline void set_allow_tf32(bool on) {
  set_precision(on ? Precision::tf32 : Precision::fp32);
}

// The spelling of the command line: "fp32", "tf32" or "bf16".
inline const char* to_string(Precision p) {
  return p == Precision::bf16 ? "bf16" : p == Precision::tf32 ? "tf32" : "fp32";
}
// `source` (e.g. "--precision") starts the error line.
inline Precision parse_precision(const std::string& s, const std::string& source) {
  if (s == "fp32") return Precision::fp32;
  if (s == "tf32") return Precision::tf32;
  UFLOW_CHECK(s == "bf16", source, ": unknown precision '", s, "' (use fp32, tf32 or bf16)");
  return Precision::bf16;
}

// Sets a precision for a scope (the extractor's forward) and restores the previous one.
class PrecisionScope {
 public:
  explicit PrecisionScope(Precision p) : saved_(precision()) { set_precision(p); }
  ~PrecisionScope() { set_precision(saved_); }
  PrecisionScope(const PrecisionScope&) = delete;
  PrecisionScope& operator=(const PrecisionScope&) = delete;

 private:
  Precision saved_;
};

}  // namespace uflow::cuda
