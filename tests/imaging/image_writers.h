// Encoders for test images, independent of the decoders under test: libpng's and
// libjpeg-turbo's writers (the compress side, which uflow never uses) and a BMP written field by
// field. Used by the imaging tests and by the fuzz seed generator (fuzz/make_seeds.cpp).
#pragma once
// clang-format off
#include <csetjmp>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <jpeglib.h>  // after <cstdio> and <cstddef>: it uses FILE and size_t undeclared
#include <png.h>
// clang-format on

#include <string>
#include <vector>

namespace uflow::test {

// A smooth test pattern in [0, max]: horizontal and vertical ramps mixed per channel, so lossy
// JPEG keeps it within a few levels.
inline unsigned pattern(int x, int y, int c, int w, int h, unsigned max) {
  const double u = w > 1 ? double(x) / (w - 1) : 0.0, v = h > 1 ? double(y) / (h - 1) : 0.0;
  const double t = c == 0 ? u : c == 1 ? v : c == 2 ? 0.5 * (u + v) : 1.0 - 0.5 * u;
  return static_cast<unsigned>(t * max + 0.5);
}

struct PngSpec {
  int width = 8, height = 8;
  int color_type = PNG_COLOR_TYPE_RGB;  // GRAY, GRAY_ALPHA, RGB, RGB_ALPHA, PALETTE
  int bit_depth = 8;                    // 1, 2, 4 (grey, palette), 8, 16
  bool interlace = false;               // Adam7
};

// Channels of a PNG colour type (palette: one index per pixel).
inline int png_channels(int color_type) {
  switch (color_type) {
    case PNG_COLOR_TYPE_GRAY_ALPHA:
      return 2;
    case PNG_COLOR_TYPE_RGB:
      return 3;
    case PNG_COLOR_TYPE_RGB_ALPHA:
      return 4;
    default:
      return 1;
  }
}

// samples: row-major, png_channels() per pixel, each in [0, 2^bit_depth − 1]. A palette image
// gets a grey palette (entry i = i · 255 / (entries − 1)) with a tRNS chunk.
inline std::string write_png(const PngSpec& s, const std::vector<unsigned>& samples) {
  std::string out;
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
  png_infop info = png_create_info_struct(png);
  if (setjmp(png_jmpbuf(png))) std::abort();
  png_set_write_fn(
      png, &out,
      [](png_structp p, png_bytep d, size_t n) {
        static_cast<std::string*>(png_get_io_ptr(p))->append(reinterpret_cast<char*>(d), n);
      },
      nullptr);
  png_set_IHDR(png, info, s.width, s.height, s.bit_depth, s.color_type,
               s.interlace ? PNG_INTERLACE_ADAM7 : PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
               PNG_FILTER_TYPE_DEFAULT);
  const int entries = 1 << s.bit_depth;
  std::vector<png_color> palette(static_cast<size_t>(entries));
  std::vector<png_byte> alpha(static_cast<size_t>(entries), 128);
  if (s.color_type == PNG_COLOR_TYPE_PALETTE) {
    for (int i = 0; i < entries; ++i) {
      const auto g = static_cast<png_byte>(entries > 1 ? i * 255 / (entries - 1) : 0);
      palette[static_cast<size_t>(i)] = {g, g, g};
    }
    png_set_PLTE(png, info, palette.data(), entries);
    png_set_tRNS(png, info, alpha.data(), entries, nullptr);
  }
  png_write_info(png, info);
  const int n = png_channels(s.color_type);
  const size_t row_samples = static_cast<size_t>(s.width) * n;
  std::vector<std::vector<png_byte>> rows(static_cast<size_t>(s.height));
  for (int y = 0; y < s.height; ++y) {
    std::vector<png_byte>& row = rows[static_cast<size_t>(y)];
    row.assign((row_samples * s.bit_depth + 7) / 8, 0);
    for (size_t i = 0; i < row_samples; ++i) {
      const unsigned v = samples[static_cast<size_t>(y) * row_samples + i];
      if (s.bit_depth == 16) {
        row[2 * i] = static_cast<png_byte>(v >> 8);
        row[2 * i + 1] = static_cast<png_byte>(v & 0xff);
      } else {
        const size_t bit = i * s.bit_depth;
        row[bit / 8] |= static_cast<png_byte>(v << (8 - s.bit_depth - bit % 8));
      }
    }
  }
  std::vector<png_bytep> pointers;
  for (auto& r : rows) pointers.push_back(r.data());
  png_write_image(png, pointers.data());
  png_write_end(png, nullptr);
  png_destroy_write_struct(&png, &info);
  return out;
}

struct JpegSpec {
  int width = 16, height = 16;
  J_COLOR_SPACE space = JCS_RGB;  // input: JCS_GRAYSCALE, JCS_RGB or JCS_CMYK
  int quality = 100;
  bool progressive = false;
  bool arithmetic = false;
};

// samples: row-major, interleaved (1, 3 or 4 components). Full-resolution chroma (4:4:4).
inline std::string write_jpeg(const JpegSpec& s, const std::vector<uint8_t>& samples) {
  jpeg_compress_struct c{};
  jpeg_error_mgr err{};
  c.err = jpeg_std_error(&err);
  jpeg_create_compress(&c);
  unsigned char* buffer = nullptr;
  unsigned long size = 0;
  jpeg_mem_dest(&c, &buffer, &size);
  c.image_width = static_cast<JDIMENSION>(s.width);
  c.image_height = static_cast<JDIMENSION>(s.height);
  c.input_components = s.space == JCS_GRAYSCALE ? 1 : s.space == JCS_CMYK ? 4 : 3;
  c.in_color_space = s.space;
  jpeg_set_defaults(&c);
  jpeg_set_quality(&c, s.quality, TRUE);
  for (int i = 0; i < c.num_components; ++i) c.comp_info[i].h_samp_factor = 1;
  for (int i = 0; i < c.num_components; ++i) c.comp_info[i].v_samp_factor = 1;
  if (s.progressive) jpeg_simple_progression(&c);
  c.arith_code = s.arithmetic ? TRUE : FALSE;
  jpeg_start_compress(&c, TRUE);
  const size_t row_bytes = static_cast<size_t>(s.width) * c.input_components;
  while (c.next_scanline < c.image_height) {
    JSAMPROW row = const_cast<JSAMPROW>(samples.data() + c.next_scanline * row_bytes);
    jpeg_write_scanlines(&c, &row, 1);
  }
  jpeg_finish_compress(&c);
  std::string out(reinterpret_cast<char*>(buffer), size);
  jpeg_destroy_compress(&c);
  std::free(buffer);
  return out;
}

// A 24-bit bottom-up BMP (BITMAPINFOHEADER); rgb row-major top-down.
inline std::string write_bmp24(int w, int h, const std::vector<uint8_t>& rgb) {
  const int stride = (3 * w + 3) / 4 * 4;
  const uint32_t data = 54, file = data + static_cast<uint32_t>(stride * h);
  std::string out;
  const auto u16 = [&](uint32_t v) { out += char(v & 0xff), out += char(v >> 8 & 0xff); };
  const auto u32 = [&](uint32_t v) { u16(v & 0xffff), u16(v >> 16); };
  out += "BM";
  u32(file), u32(0), u32(data);
  u32(40), u32(static_cast<uint32_t>(w)), u32(static_cast<uint32_t>(h)), u16(1), u16(24), u32(0);
  u32(static_cast<uint32_t>(stride * h)), u32(2835), u32(2835), u32(0), u32(0);
  for (int y = h - 1; y >= 0; --y) {
    for (int x = 0; x < w; ++x)
      for (int c = 2; c >= 0; --c) out += char(rgb[(static_cast<size_t>(y) * w + x) * 3 + c]);
    out.append(static_cast<size_t>(stride - 3 * w), '\0');
  }
  return out;
}

}  // namespace uflow::test
