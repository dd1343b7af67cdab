// Element types of tensors stored by other frameworks (safetensors dtypes, PyTorch storage
// classes), and their conversion to float32, the dtype of uflow's weight files. Half and
// bfloat16 widen exactly; float64 and 64-bit integers round to nearest, as numpy's
// astype(float32) does in tools/export_timm.py.
#pragma once
#include <cstdint>
#include <cstring>
#include <string>

namespace uflow {

enum class ElementType { f64, f32, f16, bf16, i64, i32, i16, i8, u8, boolean };

inline int64_t element_size(ElementType t) {
  switch (t) {
    case ElementType::f64:
    case ElementType::i64:
      return 8;
    case ElementType::f32:
    case ElementType::i32:
      return 4;
    case ElementType::f16:
    case ElementType::bf16:
    case ElementType::i16:
      return 2;
    default:
      return 1;
  }
}

const char* element_type_name(ElementType t);

// IEEE 754 binary16 to binary32, subnormals, infinities and NaN included.
inline float half_to_float(uint16_t h) {
  const uint32_t sign = static_cast<uint32_t>(h & 0x8000u) << 16;
  uint32_t exponent = (h >> 10) & 0x1fu;
  uint32_t mantissa = h & 0x3ffu;
  uint32_t bits;
  if (exponent == 0x1f) {
    bits = sign | 0x7f800000u | (mantissa << 13);
  } else if (exponent != 0) {
    bits = sign | ((exponent + 112) << 23) | (mantissa << 13);
  } else if (mantissa == 0) {
    bits = sign;
  } else {  // subnormal: normalise the mantissa
    exponent = 113;
    while (!(mantissa & 0x400u)) {
      mantissa <<= 1;
      --exponent;
    }
    bits = sign | (exponent << 23) | ((mantissa & 0x3ffu) << 13);
  }
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

// bfloat16 is the upper half of a binary32.
inline float bfloat16_to_float(uint16_t b) {
  const uint32_t bits = static_cast<uint32_t>(b) << 16;
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

// Converts `count` little-endian elements at `src` to float32 at `dst`.
void convert_to_float(ElementType t, const unsigned char* src, int64_t count, float* dst);

// Reverses the byte order of each element in place (big-endian PyTorch archives).
void swap_element_bytes(ElementType t, unsigned char* data, int64_t count);

}  // namespace uflow
