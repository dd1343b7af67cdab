// What the format decoders produce: interleaved samples as stored, before conversion to float
// tensors. 8-bit samples are bytes; 16-bit samples are native-endian uint16 in `data`.
#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "imaging/image_format.h"

namespace uflow {

struct RawImageHeader {
  int64_t width = 0, height = 0;
};

struct RawImage {
  int64_t width = 0, height = 0;
  int channels = 0;  // 1 grey, 2 grey + alpha, 3 RGB, 4 RGBA
  int bits = 8;      // 8 or 16
  std::vector<uint8_t> data;
};

// Decoders for one format each, reading from memory. `name` (the file) starts every error
// message. The header readers only parse what gives the size; the decoders check the size
// against limits.max_pixels before allocating the pixels.
RawImageHeader png_header(std::span<const uint8_t> bytes, const std::string& name);
RawImage decode_png(std::span<const uint8_t> bytes, const std::string& name,
                    const DecodeLimits& limits);
RawImageHeader jpeg_header(std::span<const uint8_t> bytes, const std::string& name);
RawImage decode_jpeg(std::span<const uint8_t> bytes, const std::string& name,
                     const DecodeLimits& limits);
RawImageHeader bmp_header(std::span<const uint8_t> bytes, const std::string& name);
RawImage decode_bmp(std::span<const uint8_t> bytes, const std::string& name,
                    const DecodeLimits& limits);

// Throws "<name>: image of W×H pixels exceeds the decode limit of N pixels (...)".
void check_pixel_limit(const RawImageHeader& h, const std::string& name,
                       const DecodeLimits& limits);

}  // namespace uflow
