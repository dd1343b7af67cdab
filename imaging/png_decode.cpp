// PNG through Debian's libpng (security-maintained; see README, "Image decoding"). libpng
// reports errors by longjmp; each libpng call runs inside guarded(), whose setjmp catches the
// jump, so the jump never crosses a C++ object with a destructor.
#include <png.h>

#include <bit>
#include <csetjmp>
#include <cstdio>
#include <cstring>

#include "imaging/raw_image.h"
#include "tensor/error.h"

namespace uflow {
namespace {

struct Source {
  std::span<const uint8_t> bytes;
  size_t pos = 0;
  char message[256] = "";
};

void read_bytes(png_structp png, png_bytep out, size_t n) {
  auto* src = static_cast<Source*>(png_get_io_ptr(png));
  if (n > src->bytes.size() - src->pos) png_error(png, "file is truncated");
  std::memcpy(out, src->bytes.data() + src->pos, n);
  src->pos += n;
}

[[noreturn]] void on_error(png_structp png, png_const_charp msg) {
  auto* src = static_cast<Source*>(png_get_error_ptr(png));
  std::snprintf(src->message, sizeof src->message, "%s", msg);
  png_longjmp(png, 1);
}

// Warnings are about ancillary chunks (e.g. an sRGB profile libpng disagrees with); the
// pixels are unaffected.
void on_warning(png_structp, png_const_charp) {}

// Owns the libpng read and info structures.
struct PngReader {
  png_structp png = nullptr;
  png_infop info = nullptr;
  explicit PngReader(Source* src) {
    png = png_create_read_struct(PNG_LIBPNG_VER_STRING, src, on_error, on_warning);
    if (png) info = png_create_info_struct(png);
  }
  ~PngReader() { png_destroy_read_struct(&png, info ? &info : nullptr, nullptr); }
  PngReader(const PngReader&) = delete;
  PngReader& operator=(const PngReader&) = delete;
};

// Runs libpng calls; false when libpng reported an error (its message is in the Source).
template <typename Calls>
[[gnu::noinline]] bool guarded(png_structp png, const Calls& calls) {
  if (setjmp(png_jmpbuf(png))) return false;
  calls();
  return true;
}

RawImage decode(std::span<const uint8_t> bytes, const std::string& name,
                const DecodeLimits* limits) {
  Source src{bytes};
  PngReader r(&src);
  UFLOW_CHECK(r.png && r.info, name, ": cannot set up the PNG decoder");
  const auto run = [&](const auto& calls) {
    if (!guarded(r.png, calls)) UFLOW_FAIL(name, ": corrupt PNG (", src.message, ")");
  };
  RawImage out;
  run([&] {
    png_set_read_fn(r.png, &src, read_bytes);
    png_read_info(r.png, r.info);
  });
  out.width = png_get_image_width(r.png, r.info);
  out.height = png_get_image_height(r.png, r.info);
  if (!limits) return out;
  check_pixel_limit({out.width, out.height}, name, *limits);
  run([&] {
    // Palette -> RGB, grey below 8 bits -> 8 bits, tRNS -> alpha (dropped later): the same
    // samples stb_image produced.
    png_set_expand(r.png);
    if (png_get_bit_depth(r.png, r.info) == 16 && std::endian::native == std::endian::little)
      png_set_swap(r.png);
    png_set_interlace_handling(r.png);
    png_read_update_info(r.png, r.info);
  });
  out.channels = png_get_channels(r.png, r.info);
  out.bits = png_get_bit_depth(r.png, r.info);
  const size_t row_bytes = png_get_rowbytes(r.png, r.info);
  UFLOW_CHECK((out.bits == 8 || out.bits == 16) && out.channels >= 1 && out.channels <= 4 &&
                  row_bytes == static_cast<size_t>(out.width) * out.channels * (out.bits / 8),
              name, ": unsupported PNG layout (", out.channels, " channels of ", out.bits,
              " bits)");
  out.data.resize(row_bytes * static_cast<size_t>(out.height));
  std::vector<png_bytep> rows(static_cast<size_t>(out.height));
  for (size_t y = 0; y < rows.size(); ++y) rows[y] = out.data.data() + y * row_bytes;
  run([&] { png_read_image(r.png, rows.data()); });
  return out;
}

}  // namespace

RawImageHeader png_header(std::span<const uint8_t> bytes, const std::string& name) {
  const RawImage h = decode(bytes, name, nullptr);
  return {h.width, h.height};
}

RawImage decode_png(std::span<const uint8_t> bytes, const std::string& name,
                    const DecodeLimits& limits) {
  return decode(bytes, name, &limits);
}

}  // namespace uflow
