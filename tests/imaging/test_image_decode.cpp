// Image decoding: every PNG colour type and depth, JPEG (baseline, progressive, arithmetic,
// grey, CMYK) and BMP decode to the samples an independent encoder wrote; the format is judged
// by content; the pixel and byte limits refuse oversized images before decoding; corrupt files
// are one-line errors naming the file; the stb_image 2.27 JPEG crasher is refused cleanly.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <functional>

#include "imaging/image_io.h"
#include "imaging/image_writers.h"
#include "tensor/error.h"
#include "test_util.h"

using namespace uflow;
using test::error_of;
using test::pattern;
namespace fs = std::filesystem;

namespace {

std::span<const uint8_t> span_of(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

// CRC-32 of PNG chunks (ISO 3309), bit by bit: an independent reference for patched headers.
uint32_t crc32(const std::string& bytes) {
  uint32_t c = 0xffffffffu;
  for (unsigned char b : bytes) {
    c ^= b;
    for (int k = 0; k < 8; ++k) c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1u)));
  }
  return c ^ 0xffffffffu;
}

void put_be32(std::string& s, size_t at, uint32_t v) {
  for (int i = 0; i < 4; ++i) s[at + i] = static_cast<char>(v >> (24 - 8 * i));
}

// A PNG whose IHDR claims w×h pixels (CRC fixed up), with the small image's data after it.
std::string png_claiming(uint32_t w, uint32_t h) {
  std::string png = test::write_png({1, 1, PNG_COLOR_TYPE_GRAY, 8, false}, {7});
  put_be32(png, 16, w);  // signature (8) + length (4) + "IHDR" (4)
  put_be32(png, 20, h);
  put_be32(png, 29, crc32(png.substr(12, 17)));  // over "IHDR" and its 13 data bytes
  return png;
}

std::vector<float> values(const Tensor& t) {
  return t.to_floats();
}

struct Scratch : test::ScratchDir {
  Scratch() : ScratchDir("imgdec") {}
  std::string write(const std::string& name, const std::string& bytes) const {
    test::write_text(file(name), bytes);
    return file(name);
  }
};

const DecodeLimits kDefaults;

}  // namespace

TEST_CASE("PNG of every colour type and bit depth decodes to the written samples") {
  const test::PngSpec specs[] = {
      {8, 6, PNG_COLOR_TYPE_GRAY, 1, false},       {8, 6, PNG_COLOR_TYPE_GRAY, 4, false},
      {8, 6, PNG_COLOR_TYPE_GRAY, 8, false},       {8, 6, PNG_COLOR_TYPE_GRAY, 16, false},
      {8, 6, PNG_COLOR_TYPE_GRAY_ALPHA, 8, false}, {8, 6, PNG_COLOR_TYPE_RGB, 8, false},
      {8, 6, PNG_COLOR_TYPE_RGB, 16, false},       {8, 6, PNG_COLOR_TYPE_RGB_ALPHA, 8, false},
      {8, 6, PNG_COLOR_TYPE_RGB_ALPHA, 16, true},  {8, 6, PNG_COLOR_TYPE_PALETTE, 2, false},
      {9, 7, PNG_COLOR_TYPE_RGB, 8, true},
  };
  for (const test::PngSpec& s : specs) {
    CAPTURE(s.color_type);
    CAPTURE(s.bit_depth);
    CAPTURE(s.interlace);
    const int n = test::png_channels(s.color_type);
    const unsigned max = (1u << s.bit_depth) - 1;
    std::vector<unsigned> samples;
    for (int y = 0; y < s.height; ++y)
      for (int x = 0; x < s.width; ++x)
        for (int c = 0; c < n; ++c) samples.push_back(pattern(x, y, c, s.width, s.height, max));
    const std::string png = test::write_png(s, samples);
    const Tensor rgb = decode_image(span_of(png), 3, "t.png", kDefaults);
    const Tensor grey = decode_image(span_of(png), 1, "t.png", kDefaults);
    REQUIRE(rgb.shape() == Shape{3, s.height, s.width});
    REQUIRE(grey.shape() == Shape{1, s.height, s.width});
    // Decoded values are 8-bit unless the file is 16-bit; palette entries and low depths are
    // expanded to 8 bits.
    const bool palette = s.color_type == PNG_COLOR_TYPE_PALETTE;
    const unsigned out_max = s.bit_depth == 16 ? 65535 : 255;
    const auto level = [&](unsigned v) {
      return palette ? v * 255 / max : s.bit_depth < 8 ? v * 255 / max : v;
    };
    std::vector<float> want_rgb(rgb.numel()), want_grey(grey.numel());
    const size_t hw = static_cast<size_t>(s.width) * s.height;
    for (size_t i = 0; i < hw; ++i) {
      unsigned c[3];
      for (int k = 0; k < 3; ++k) c[k] = level(samples[i * n + (n >= 3 ? k : 0)]);
      for (int k = 0; k < 3; ++k) want_rgb[k * hw + i] = float(c[k]) / float(out_max);
      const unsigned y = n >= 3 ? (77 * c[0] + 150 * c[1] + 29 * c[2]) >> 8 : c[0];
      want_grey[i] = float(y) / float(out_max);
    }
    CHECK(values(rgb) == want_rgb);
    CHECK(values(grey) == want_grey);
  }
}

TEST_CASE(
    "JPEG: baseline, progressive, arithmetic, grey and Adobe CMYK decode close to the source") {
  const test::JpegSpec specs[] = {{16, 16, JCS_RGB, 100, false, false},
                                  {16, 16, JCS_RGB, 100, true, false},
                                  {16, 16, JCS_RGB, 100, false, true},
                                  {16, 16, JCS_GRAYSCALE, 100, false, false},
                                  {16, 16, JCS_CMYK, 100, false, false}};
  for (const test::JpegSpec& s : specs) {
    CAPTURE(s.space);
    CAPTURE(s.progressive);
    CAPTURE(s.arithmetic);
    const int n = s.space == JCS_GRAYSCALE ? 1 : s.space == JCS_CMYK ? 4 : 3;
    std::vector<uint8_t> samples;
    for (int y = 0; y < s.height; ++y)
      for (int x = 0; x < s.width; ++x)
        for (int c = 0; c < n; ++c)
          samples.push_back(static_cast<uint8_t>(pattern(x, y, c, s.width, s.height, 255)));
    const std::string jpg = test::write_jpeg(s, samples);
    const Tensor rgb = decode_image(span_of(jpg), 3, "t.jpg", kDefaults);
    REQUIRE(rgb.shape() == Shape{3, 16, 16});
    const std::vector<float> got = values(rgb);
    double worst = 0;
    for (size_t i = 0; i < 256; ++i)
      for (int k = 0; k < 3; ++k) {
        const double src = n == 1   ? samples[i]
                           : n == 3 ? samples[i * 3 + k]
                                    : samples[i * 4 + k] * samples[i * 4 + 3] / 255.0;
        worst = std::max(worst, std::abs(got[k * 256 + i] * 255.0 - src));
      }
    // Quality 100 with full-resolution chroma: only rounding in the DCT and colour conversion.
    CHECK(worst <= 3.0);
  }
}

TEST_CASE("BMP decodes exactly") {
  std::vector<uint8_t> rgb;
  for (int y = 0; y < 5; ++y)
    for (int x = 0; x < 7; ++x)
      for (int c = 0; c < 3; ++c) rgb.push_back(static_cast<uint8_t>(pattern(x, y, c, 7, 5, 255)));
  const std::string bmp = test::write_bmp24(7, 5, rgb);
  const std::vector<float> got = values(decode_image(span_of(bmp), 3, "t.bmp", kDefaults));
  for (size_t i = 0; i < 35; ++i)
    for (int k = 0; k < 3; ++k) CHECK(got[k * 35 + i] == float(rgb[i * 3 + k]) / 255.0f);
}

TEST_CASE("the format is judged by content: names do not matter, other formats are refused") {
  Scratch s;
  const std::string png =
      test::write_png({4, 4, PNG_COLOR_TYPE_GRAY, 8, false}, std::vector<unsigned>(16, 200));
  const std::string named_jpg = s.write("really_a_png.jpg", png);
  CHECK(load_image_gray(named_jpg).shape() == Shape{1, 4, 4});
  const ImageInfo info = read_image_info(named_jpg);
  CHECK(info.format == ImageFormat::png);
  CHECK(info.width == 4);
  CHECK(info.height == 4);
  // A TGA (no magic number: its header starts with an ID length and a colour-map type), a GIF
  // and an empty file, all named .png.
  const std::string tga =
      s.write("tga.png",
              std::string("\0\0\2\0\0\0\0\0\0\0\0\0\4\0\4\0\x18\0", 18) + std::string(48, '\x7f'));
  CHECK(error_of([&] { load_image_rgb(tga); }) ==
        tga + ": not a PNG, JPEG or BMP image (judged by its content; other formats are not read)");
  const std::string gif = s.write("gif.png", "GIF89a\4\0\4\0");
  CHECK(error_of([&] { read_image_info(gif); }).find("not a PNG, JPEG or BMP image") !=
        std::string::npos);
  const std::string empty = s.write("empty.png", "");
  CHECK(error_of([&] { load_image_rgb(empty); }) == empty + ": empty file, not an image");
  CHECK(error_of([&] { load_image_rgb(s.path().string() + "/none.png"); }) ==
        s.path().string() + "/none.png: file not found");
}

TEST_CASE("the pixel limit refuses huge images from their header, before decoding") {
  const std::string huge_png = png_claiming(18000, 18000);
  CHECK(error_of([&] { decode_image(span_of(huge_png), 3, "huge.png", kDefaults); }) ==
        "huge.png: image of 18000x18000 pixels exceeds the decode limit of 50000000 pixels "
        "(raise it with --max-image-pixels)");
  CHECK(error_of([&] {
          image_info(span_of(huge_png), "huge.png", kDefaults);
        }).find("exceeds the decode limit") != std::string::npos);
  // Raised, the limit lets the header through; this file has no image data for so many pixels.
  const std::string big_png = png_claiming(8000, 8000);
  CHECK(error_of([&] {
          decode_image(span_of(big_png), 1, "big.png", kDefaults);
        }).find("exceeds the decode limit") != std::string::npos);
  DecodeLimits raised = kDefaults;
  raised.max_pixels = 70'000'000;
  const std::string raised_err =
      error_of([&] { decode_image(span_of(big_png), 1, "huge.png", raised); });
  CHECK(raised_err.rfind("huge.png: corrupt PNG (", 0) == 0);

  // A JPEG's size sits in its SOF marker; a BMP's in its header.
  std::string jpg =
      test::write_jpeg({16, 16, JCS_GRAYSCALE, 90, false, false}, std::vector<uint8_t>(256, 100));
  const size_t sof = jpg.find("\xff\xc0");
  REQUIRE(sof != std::string::npos);
  jpg[sof + 5] = jpg[sof + 7] = '\x4e';  // height and width 0x4e10 = 19984
  CHECK(error_of([&] { decode_image(span_of(jpg), 1, "huge.jpg", kDefaults); }) ==
        "huge.jpg: image of 19984x19984 pixels exceeds the decode limit of 50000000 pixels "
        "(raise it with --max-image-pixels)");
  std::string bmp = test::write_bmp24(2, 2, std::vector<uint8_t>(12, 9));
  bmp[19] = bmp[23] = '\x7f';  // width and height 0x7f02 = 32514
  CHECK(error_of([&] {
          decode_image(span_of(bmp), 3, "huge.bmp", kDefaults);
        }).find("huge.bmp: image of 32514x32514 pixels exceeds the decode limit") == 0);
}

TEST_CASE("the byte limit refuses large files before reading them; limits can be raised") {
  Scratch s;
  const std::string png =
      test::write_png({16, 16, PNG_COLOR_TYPE_RGB, 8, false}, std::vector<unsigned>(768, 3));
  const std::string path = s.write("a.png", png);
  const DecodeLimits before = default_decode_limits();
  DecodeLimits small = before;
  small.max_bytes = 64;
  set_default_decode_limits(small);
  const std::string err = error_of([&] { load_image_rgb(path); });
  set_default_decode_limits(before);
  CHECK(err ==
        path + ": file of " + std::to_string(png.size()) +
            " bytes exceeds the image file limit of 64 bytes (raise it with --max-image-mb)");
  CHECK(load_image_rgb(path).shape() == Shape{3, 16, 16});
  CHECK(error_of([&] {
          set_default_decode_limits({0, 1});
        }) == "image decode limits must be positive");
}

TEST_CASE("truncated and corrupt files are errors naming the file, never partly grey images") {
  const std::string png =
      test::write_png({16, 16, PNG_COLOR_TYPE_RGB, 8, false}, std::vector<unsigned>(768, 90));
  const std::string cut_png = png.substr(0, png.size() - 30);
  CHECK(error_of([&] {
          decode_image(span_of(cut_png), 3, "cut.png", kDefaults);
        }).rfind("cut.png: corrupt PNG (", 0) == 0);
  std::vector<uint8_t> grey(64 * 64);
  for (size_t i = 0; i < grey.size(); ++i) grey[i] = static_cast<uint8_t>(i * 7);
  const std::string jpg = test::write_jpeg({64, 64, JCS_GRAYSCALE, 90, false, false}, grey);
  const std::string cut_jpg = jpg.substr(0, jpg.size() / 2);
  const std::string msg =
      error_of([&] { decode_image(span_of(cut_jpg), 3, "cut.jpg", kDefaults); });
  CHECK(msg.rfind("cut.jpg: corrupt JPEG (", 0) == 0);
  CHECK(msg.find('\n') == std::string::npos);
  // stb_image would read a truncated BMP's missing rows as black.
  const std::string bmp = test::write_bmp24(7, 5, std::vector<uint8_t>(105, 40));
  const std::string cut_bmp = bmp.substr(0, bmp.size() - 10);
  CHECK(error_of([&] { decode_image(span_of(cut_bmp), 3, "cut.bmp", kDefaults); }) ==
        "cut.bmp: corrupt BMP (file is truncated: " + std::to_string(cut_bmp.size()) +
            " bytes, its header needs " + std::to_string(bmp.size()) + ")");
}

TEST_CASE("the input that crashed stb_image 2.27's JPEG decoder is refused cleanly") {
  // Found by fuzzing the former decoder (fuzz/): its Huffman tables wrote out of bounds.
  const std::string path = std::string(UFLOW_FIXTURES_DIR) +
                           "/../../fuzz/corpus/image_decode/"
                           "regression-stb-2.27-jpeg-huffman-oob-write.jpg";
  std::ifstream f(path, std::ios::binary);
  const std::string bytes(std::istreambuf_iterator<char>(f), {});
  REQUIRE(bytes.size() > 100);
  CHECK(error_of([&] {
          decode_image(span_of(bytes), 3, "crash.jpg", kDefaults);
        }).rfind("crash.jpg: corrupt JPEG (", 0) == 0);
}
