// Element types and devices, plus the helpers that turn a runtime dtype into a C++ type.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

#include "tensor/error.h"

// Functions that must compile for both the CPU and CUDA (the element-wise math) use UFLOW_HD.
#if defined(__CUDACC__)
#define UFLOW_HD __host__ __device__ __forceinline__
#else
#define UFLOW_HD inline
#endif

namespace uflow {

enum class DType : uint8_t { f32, f64 };
enum class Device : uint8_t { cpu, cuda };

inline size_t dtype_size(DType t) {
  return t == DType::f32 ? 4 : 8;
}
inline const char* dtype_name(DType t) {
  return t == DType::f32 ? "f32" : "f64";
}
inline const char* device_name(Device d) {
  return d == Device::cpu ? "cpu" : "cuda";
}

template <typename T>
constexpr DType dtype_of();
template <>
constexpr DType dtype_of<float>() {
  return DType::f32;
}
template <>
constexpr DType dtype_of<double>() {
  return DType::f64;
}

// Calls fn.template operator()<T>() with T = float or double according to the dtype:
//   dispatch_dtype(t.dtype(), [&]<typename T>() { ... });
template <typename Fn>
decltype(auto) dispatch_dtype(DType t, Fn&& fn) {
  if (t == DType::f32) return fn.template operator()<float>();
  return fn.template operator()<double>();
}

}  // namespace uflow
