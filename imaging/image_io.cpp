#include "imaging/image_io.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <vector>

#include "imaging/raw_image.h"
#include "tensor/ops.h"

#define STB_IMAGE_WRITE_IMPLEMENTATION
#define STB_IMAGE_WRITE_STATIC
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include <stb_image_write.h>
#pragma GCC diagnostic pop

namespace uflow {
namespace {

std::mutex limits_mutex;
DecodeLimits limits_in_force;

ImageFormat content_format(std::span<const uint8_t> bytes, const std::string& name) {
  UFLOW_CHECK(!bytes.empty(), name, ": empty file, not an image");
  const std::optional<ImageFormat> f = sniff_image_format(bytes);
  UFLOW_CHECK(f, name,
              ": not a PNG, JPEG or BMP image (judged by its content; other formats are not "
              "read)");
  return *f;
}

std::vector<uint8_t> read_file(const std::string& path, const DecodeLimits& limits) {
  std::error_code ec;
  UFLOW_CHECK(std::filesystem::is_regular_file(path, ec), path, ": file not found");
  const uintmax_t size = std::filesystem::file_size(path, ec);
  UFLOW_CHECK(!ec, path, ": cannot read (", ec.message(), ")");
  UFLOW_CHECK(size <= static_cast<uintmax_t>(limits.max_bytes), path, ": file of ", size,
              " bytes exceeds the image file limit of ", limits.max_bytes,
              " bytes (raise it with --max-image-mb)");
  std::vector<uint8_t> bytes(static_cast<size_t>(size));
  std::ifstream f(path, std::ios::binary);
  f.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  UFLOW_CHECK(f && f.gcount() == static_cast<std::streamsize>(bytes.size()), path,
              ": cannot read the file");
  return bytes;
}

RawImage decode_raw(std::span<const uint8_t> bytes, const std::string& name,
                    const DecodeLimits& limits) {
  switch (content_format(bytes, name)) {
    case ImageFormat::png:
      return decode_png(bytes, name, limits);
    case ImageFormat::jpeg:
      return decode_jpeg(bytes, name, limits);
    case ImageFormat::bmp:
      return decode_bmp(bytes, name, limits);
  }
  UFLOW_FAIL(name, ": unknown image format");
}

// Interleaved samples -> (channels, H, W) floats in [0, 1]. Grey is repeated to RGB; colour to
// grey is stb_image's integer luminance (77 R + 150 G + 29 B) >> 8, so masks read as before;
// alpha is dropped.
Tensor to_tensor(const RawImage& img, int channels, const std::string& name) {
  UFLOW_CHECK(img.channels >= 1 && img.channels <= 4 && (img.bits == 8 || img.bits == 16), name,
              ": unsupported image layout");
  const size_t hw = static_cast<size_t>(img.width) * static_cast<size_t>(img.height);
  const size_t n = static_cast<size_t>(img.channels), bytes = static_cast<size_t>(img.bits / 8);
  UFLOW_CHECK(img.data.size() == hw * n * bytes, name, ": decoder returned ", img.data.size(),
              " bytes for ", img.width, "x", img.height, "x", n);
  const auto sample = [&](size_t i, size_t c) -> unsigned {
    const uint8_t* p = img.data.data() + (i * n + c) * bytes;
    if (bytes == 1) return *p;
    uint16_t v;
    std::memcpy(&v, p, sizeof v);
    return v;
  };
  // Divided, not multiplied by a reciprocal: the same floats as before (stb_image's path).
  const float max = img.bits == 16 ? 65535.0f : 255.0f;
  Tensor out = Tensor::empty({channels, img.height, img.width});
  float* o = out.data<float>();
  const bool colour = n >= 3;
  for (size_t i = 0; i < hw; ++i) {
    if (channels == 1) {
      const unsigned y =
          colour ? (sample(i, 0) * 77 + sample(i, 1) * 150 + sample(i, 2) * 29) >> 8 : sample(i, 0);
      o[i] = static_cast<float>(y) / max;
    } else {
      for (size_t c = 0; c < 3; ++c)
        o[c * hw + i] = static_cast<float>(sample(i, colour ? c : 0)) / max;
    }
  }
  return out;
}

Tensor load(const std::string& path, int channels) {
  const DecodeLimits limits = default_decode_limits();
  const std::vector<uint8_t> bytes = read_file(path, limits);
  return decode_image(bytes, channels, path, limits);
}

}  // namespace

void check_pixel_limit(const RawImageHeader& h, const std::string& name,
                       const DecodeLimits& limits) {
  UFLOW_CHECK(h.width > 0 && h.height > 0, name, ": image of ", h.width, "x", h.height,
              " pixels has no pixels");
  UFLOW_CHECK(h.width <= limits.max_pixels / h.height, name, ": image of ", h.width, "x", h.height,
              " pixels exceeds the decode limit of ", limits.max_pixels,
              " pixels (raise it with --max-image-pixels)");
}

DecodeLimits default_decode_limits() {
  std::lock_guard<std::mutex> lock(limits_mutex);
  return limits_in_force;
}

void set_default_decode_limits(const DecodeLimits& limits) {
  UFLOW_CHECK(limits.max_pixels > 0 && limits.max_bytes > 0,
              "image decode limits must be positive");
  std::lock_guard<std::mutex> lock(limits_mutex);
  limits_in_force = limits;
}

ImageInfo read_image_info(const std::string& path) {
  const DecodeLimits limits = default_decode_limits();
  // The whole file is read (within the byte limit): a JPEG's size comes after its metadata
  // segments, which have no fixed length. No pixel is decoded.
  return image_info(read_file(path, limits), path, limits);
}

ImageInfo image_info(std::span<const uint8_t> bytes, const std::string& name,
                     const DecodeLimits& limits) {
  ImageInfo info;
  info.format = content_format(bytes, name);
  RawImageHeader h;
  switch (info.format) {
    case ImageFormat::png:
      h = png_header(bytes, name);
      break;
    case ImageFormat::jpeg:
      h = jpeg_header(bytes, name);
      break;
    case ImageFormat::bmp:
      h = bmp_header(bytes, name);
      break;
  }
  check_pixel_limit(h, name, limits);
  info.width = h.width;
  info.height = h.height;
  return info;
}

Tensor decode_image(std::span<const uint8_t> bytes, int channels, const std::string& name,
                    const DecodeLimits& limits) {
  UFLOW_CHECK(channels == 1 || channels == 3, "decode_image: channels must be 1 or 3");
  UFLOW_CHECK(bytes.size() <= static_cast<size_t>(limits.max_bytes), name, ": file of ",
              bytes.size(), " bytes exceeds the image file limit of ", limits.max_bytes,
              " bytes (raise it with --max-image-mb)");
  return to_tensor(decode_raw(bytes, name, limits), channels, name);
}

Tensor load_image_rgb(const std::string& path) {
  return load(path, 3);
}
Tensor load_image_gray(const std::string& path) {
  return load(path, 1);
}

std::string encode_png(const Tensor& chw) {
  UFLOW_CHECK(chw.dim() == 3 && (chw.size(0) == 1 || chw.size(0) == 3),
              "encode_png needs a (1|3, H, W) tensor, got ", shape_str(chw.shape()));
  const int c = static_cast<int>(chw.size(0)), h = static_cast<int>(chw.size(1)),
            w = static_cast<int>(chw.size(2));
  const std::vector<float> v = chw.to_floats();
  std::vector<unsigned char> px(static_cast<size_t>(w) * h * c);
  for (int k = 0; k < c; ++k)
    for (int i = 0; i < w * h; ++i) {
      const float x = std::clamp(v[static_cast<size_t>(k) * w * h + i], 0.0f, 1.0f);
      px[static_cast<size_t>(i) * c + k] = static_cast<unsigned char>(std::lround(x * 255.0f));
    }
  std::string out;
  auto sink = [](void* ctx, void* data, int size) {
    static_cast<std::string*>(ctx)->append(static_cast<const char*>(data), size);
  };
  UFLOW_CHECK(stbi_write_png_to_func(sink, &out, w, h, c, px.data(), w * c), "PNG encoding failed");
  return out;
}

void save_png(const std::string& path, const Tensor& chw) {
  const std::string bytes = encode_png(chw);
  write_file_atomic(path, bytes);
}

void write_file_atomic(const std::string& path, const std::string& bytes) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    UFLOW_CHECK(f, path, ": cannot open for writing");
    f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    f.close();
    UFLOW_CHECK(f, path, ": write failed (disk full?)");
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) std::filesystem::remove(tmp);
  UFLOW_CHECK(!ec, path, ": cannot move the written file into place (", ec.message(), ")");
}

}  // namespace uflow
