// Image files: decode PNG/JPEG/BMP (8- and 16-bit, grey or colour) into float tensors in
// [0, 1], and write PNGs atomically (temporary file, then rename).
#pragma once
#include <string>

#include "tensor/tensor.h"

namespace uflow {

// (3, H, W) f32 in [0, 1]; grey images are repeated to RGB, alpha is dropped.
// Throws one line naming the file when it cannot be read or decoded.
Tensor load_image_rgb(const std::string& path);
// (1, H, W) f32 in [0, 1] (luminance of colour files; masks).
Tensor load_image_gray(const std::string& path);
// Writes a (C, H, W) tensor with C = 1 or 3 and values in [0, 1] (clamped) as an 8-bit PNG.
void save_png(const std::string& path, const Tensor& chw);
// The same PNG as bytes (for embedding in HTML).
std::string encode_png(const Tensor& chw);
// Writes bytes to path through a temporary file and a rename: readers never see a partial file
// and an existing file survives a failed write.
void write_file_atomic(const std::string& path, const std::string& bytes);

}  // namespace uflow
