#include "imaging/image_format.h"

#include <algorithm>

namespace uflow {

const char* format_name(ImageFormat f) {
  switch (f) {
    case ImageFormat::png:
      return "PNG";
    case ImageFormat::jpeg:
      return "JPEG";
    case ImageFormat::bmp:
      return "BMP";
  }
  return "?";
}

std::optional<ImageFormat> sniff_image_format(std::span<const uint8_t> head) {
  const auto starts_with = [&](std::initializer_list<uint8_t> magic) {
    return head.size() >= magic.size() && std::equal(magic.begin(), magic.end(), head.begin());
  };
  if (starts_with({0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A})) return ImageFormat::png;
  if (starts_with({0xFF, 0xD8, 0xFF})) return ImageFormat::jpeg;
  if (starts_with({'B', 'M'})) return ImageFormat::bmp;
  return std::nullopt;
}

}  // namespace uflow
