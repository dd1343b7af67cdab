// Which image format a file holds, judged by its first bytes (never by its name), and the
// pixel and byte limits every decode obeys.
#pragma once
#include <cstdint>
#include <optional>
#include <span>

namespace uflow {

// The formats uflow decodes; anything else is refused before a decoder sees it.
enum class ImageFormat { png, jpeg, bmp };

const char* format_name(ImageFormat f);

// PNG: the 8-byte signature 89 50 4E 47 0D 0A 1A 0A; JPEG: FF D8 FF (SOI then a marker);
// BMP: "BM". Empty for anything else.
std::optional<ImageFormat> sniff_image_format(std::span<const uint8_t> head);

// A decoded image costs memory in proportion to its pixels, whatever the file's size (an
// 18000² PNG of 0.9 MB decodes to 4.9 GB of floats), so the pixel count in the header is checked
// before any pixel buffer is allocated; the file size is checked before the file is read.
struct DecodeLimits {
  int64_t max_pixels = 50'000'000;         // width × height
  int64_t max_bytes = int64_t{256} << 20;  // size of the encoded file
};

}  // namespace uflow
