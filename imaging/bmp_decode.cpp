// BMP through stb_image's BMP decoder, compiled into this file alone (STBI_ONLY_BMP): neither
// libpng nor libjpeg-turbo reads BMP, and stb's other decoders are not used (see README, "Image
// decoding"). The decoder runs under the fuzzers with the sanitizers (fuzz/).
#include <cstring>
#include <memory>

#include "imaging/raw_image.h"
#include "tensor/error.h"

#define STB_IMAGE_IMPLEMENTATION
#define STB_IMAGE_STATIC
#define STBI_ONLY_BMP
#define STBI_NO_STDIO
#define STBI_NO_LINEAR
#define STBI_NO_HDR
#define STBI_MAX_DIMENSIONS (1 << 20)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#pragma GCC diagnostic ignored "-Wsign-compare"
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include <stb_image.h>
#pragma GCC diagnostic pop

namespace uflow {
namespace {

int stb_length(std::span<const uint8_t> bytes, const std::string& name) {
  UFLOW_CHECK(bytes.size() <= static_cast<size_t>(INT32_MAX), name, ": BMP file too large");
  return static_cast<int>(bytes.size());
}

}  // namespace

RawImageHeader bmp_header(std::span<const uint8_t> bytes, const std::string& name) {
  int w = 0, h = 0, n = 0;
  UFLOW_CHECK(stbi_info_from_memory(bytes.data(), stb_length(bytes, name), &w, &h, &n), name,
              ": corrupt BMP (", stbi_failure_reason(), ")");
  return {w, h};
}

RawImage decode_bmp(std::span<const uint8_t> bytes, const std::string& name,
                    const DecodeLimits& limits) {
  check_pixel_limit(bmp_header(bytes, name), name, limits);
  int w = 0, h = 0, n = 0;
  std::unique_ptr<stbi_uc, void (*)(void*)> px(
      stbi_load_from_memory(bytes.data(), stb_length(bytes, name), &w, &h, &n, 0),
      stbi_image_free);
  UFLOW_CHECK(px, name, ": corrupt BMP (", stbi_failure_reason(), ")");
  UFLOW_CHECK(n >= 1 && n <= 4, name, ": unsupported BMP layout (", n, " channels)");
  RawImage out;
  out.width = w;
  out.height = h;
  out.channels = n;
  out.bits = 8;
  const size_t size = static_cast<size_t>(w) * static_cast<size_t>(h) * static_cast<size_t>(n);
  out.data.assign(px.get(), px.get() + size);
  return out;
}

}  // namespace uflow
