// BMP through stb_image's BMP decoder, compiled into this file alone (STBI_ONLY_BMP): neither
// libpng nor libjpeg-turbo reads BMP, and stb's other decoders are not used (see README, "Image
// decoding"). The decoder runs under the fuzzers with the sanitizers (fuzz/).
#include <cstdlib>
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

uint32_t le(std::span<const uint8_t> b, size_t at, int bytes) {
  uint32_t v = 0;
  for (int i = bytes - 1; i >= 0; --i) v = v << 8 | b[at + static_cast<size_t>(i)];
  return v;
}

// stb_image reads missing bytes as zeros, so a truncated BMP would decode to a partly black
// image. For the uncompressed layouts (the only ones stb reads besides bit fields) the pixel
// array's size follows from the header; a file shorter than that is refused.
void check_complete(std::span<const uint8_t> b, const std::string& name) {
  UFLOW_CHECK(b.size() >= 26, name, ": corrupt BMP (file is truncated)");
  const uint32_t offset = le(b, 10, 4), header = le(b, 14, 4);
  int64_t width = 0, height = 0, bits = 0, compression = 0;
  if (header == 12) {  // OS/2 1.x: 16-bit sizes, no compression field
    width = le(b, 18, 2);
    height = le(b, 20, 2);
    bits = le(b, 24, 2);
  } else {
    UFLOW_CHECK(b.size() >= 34, name, ": corrupt BMP (file is truncated)");
    width = static_cast<int32_t>(le(b, 18, 4));
    height = std::abs(static_cast<int64_t>(static_cast<int32_t>(le(b, 22, 4))));
    bits = le(b, 28, 2);
    compression = le(b, 30, 4);
  }
  if ((compression != 0 && compression != 3) || width <= 0 || bits <= 0 || bits > 32) return;
  const int64_t stride = (width * bits + 31) / 32 * 4;
  const int64_t needed = static_cast<int64_t>(offset) + stride * height;
  UFLOW_CHECK(needed <= static_cast<int64_t>(b.size()), name,
              ": corrupt BMP (file is truncated: ", b.size(), " bytes, its header needs ", needed,
              ")");
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
  check_complete(bytes, name);
  int w = 0, h = 0, n = 0;
  std::unique_ptr<stbi_uc, void (*)(void*)> px(
      stbi_load_from_memory(bytes.data(), stb_length(bytes, name), &w, &h, &n, 0), stbi_image_free);
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
