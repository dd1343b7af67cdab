// Image files: decode PNG/JPEG/BMP (8- and 16-bit, grey or colour) into float tensors in
// [0, 1], and write PNGs atomically (temporary file, then rename).
//
// Decoding treats every file as hostile: the format is judged by the content (magic bytes),
// only PNG (libpng), JPEG (libjpeg-turbo) and BMP (stb_image's BMP decoder) are accepted, and
// the file size and the pixel count in the header are checked against DecodeLimits before the
// file is read or any pixel is allocated. Corrupt data is an error, never a partly grey image.
#pragma once
#include <span>
#include <string>

#include "imaging/image_format.h"
#include "tensor/tensor.h"

namespace uflow {

// The limits load_image_* and read_image_info apply; commands set them from
// --max-image-pixels and --max-image-mb (apps/cli/image_options.h).
DecodeLimits default_decode_limits();
void set_default_decode_limits(const DecodeLimits& limits);

struct ImageInfo {
  ImageFormat format = ImageFormat::png;
  int64_t width = 0, height = 0;
};
// Format and size from the header alone (cheap: e.g. to compare a mask with its image).
ImageInfo read_image_info(const std::string& path);
// The same for an image held in memory; `name` starts every error message.
ImageInfo image_info(std::span<const uint8_t> bytes, const std::string& name,
                     const DecodeLimits& limits);

// (3, H, W) f32 in [0, 1]; grey images are repeated to RGB, alpha is dropped.
// Throws one line naming the file when it cannot be read or decoded.
Tensor load_image_rgb(const std::string& path);
// (1, H, W) f32 in [0, 1] (luminance of colour files; masks).
Tensor load_image_gray(const std::string& path);
// Decodes an image held in memory to `channels` (1 or 3) channels; `name` starts every error
// message. What load_image_* do after reading the file.
Tensor decode_image(std::span<const uint8_t> bytes, int channels, const std::string& name,
                    const DecodeLimits& limits);

// Writes a (C, H, W) tensor with C = 1 or 3 and values in [0, 1] (clamped) as an 8-bit PNG.
void save_png(const std::string& path, const Tensor& chw);
// The same PNG as bytes (for embedding in HTML).
std::string encode_png(const Tensor& chw);
// Writes bytes to path through a temporary file and a rename: readers never see a partial file
// and an existing file survives a failed write.
void write_file_atomic(const std::string& path, const std::string& bytes);

}  // namespace uflow
