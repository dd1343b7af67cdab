#include "weights/element_type.h"

#include <algorithm>

namespace uflow {
namespace {

template <typename T>
void widen(const unsigned char* src, int64_t count, float* dst) {
  for (int64_t i = 0; i < count; ++i) {
    T v;
    std::memcpy(&v, src + i * sizeof(T), sizeof(T));
    dst[i] = static_cast<float>(v);
  }
}

}  // namespace

const char* element_type_name(ElementType t) {
  switch (t) {
    case ElementType::f64:
      return "float64";
    case ElementType::f32:
      return "float32";
    case ElementType::f16:
      return "float16";
    case ElementType::bf16:
      return "bfloat16";
    case ElementType::i64:
      return "int64";
    case ElementType::i32:
      return "int32";
    case ElementType::i16:
      return "int16";
    case ElementType::i8:
      return "int8";
    case ElementType::u8:
      return "uint8";
    case ElementType::boolean:
      return "bool";
  }
  return "?";
}

void convert_to_float(ElementType t, const unsigned char* src, int64_t count, float* dst) {
  switch (t) {
    case ElementType::f64:
      return widen<double>(src, count, dst);
    case ElementType::f32:
      std::memcpy(dst, src, static_cast<size_t>(count) * 4);
      return;
    case ElementType::f16:
      for (int64_t i = 0; i < count; ++i) {
        uint16_t h;
        std::memcpy(&h, src + 2 * i, 2);
        dst[i] = half_to_float(h);
      }
      return;
    case ElementType::bf16:
      for (int64_t i = 0; i < count; ++i) {
        uint16_t b;
        std::memcpy(&b, src + 2 * i, 2);
        dst[i] = bfloat16_to_float(b);
      }
      return;
    case ElementType::i64:
      return widen<int64_t>(src, count, dst);
    case ElementType::i32:
      return widen<int32_t>(src, count, dst);
    case ElementType::i16:
      return widen<int16_t>(src, count, dst);
    case ElementType::i8:
      return widen<int8_t>(src, count, dst);
    case ElementType::u8:
      return widen<uint8_t>(src, count, dst);
    case ElementType::boolean:
      for (int64_t i = 0; i < count; ++i) dst[i] = src[i] ? 1.0f : 0.0f;
      return;
  }
}

void swap_element_bytes(ElementType t, unsigned char* data, int64_t count) {
  const int64_t size = element_size(t);
  if (size == 1) return;
  for (int64_t i = 0; i < count; ++i) std::reverse(data + i * size, data + (i + 1) * size);
}

}  // namespace uflow
