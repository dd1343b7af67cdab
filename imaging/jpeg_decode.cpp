// JPEG through Debian's libjpeg-turbo (security-maintained; see README, "Image decoding").
// Errors and warnings (libjpeg's word for corrupt data it would otherwise paper over with grey
// blocks) both end the decode by longjmp; each libjpeg call runs inside guarded(), whose setjmp
// catches the jump, so the jump never crosses a C++ object with a destructor.
// clang-format off
#include <algorithm>
#include <csetjmp>
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <jpeglib.h>  // after <cstdio> and <cstddef>: it uses FILE and size_t undeclared
// clang-format on

#include "imaging/raw_image.h"
#include "tensor/error.h"

namespace uflow {
namespace {

// Progressive JPEGs may hold any number of scans, each a pass over the whole image; a few
// hundred bytes can ask for millions. libjpeg-turbo's own fuzzers stop at 500.
constexpr int kMaxScans = 500;

struct ErrorState {
  jpeg_error_mgr mgr;  // first member: libjpeg hands back a pointer to it
  jmp_buf jump;
  char message[JMSG_LENGTH_MAX] = "";
};

[[noreturn]] void fail(j_common_ptr c) {
  auto* e = reinterpret_cast<ErrorState*>(c->err);
  c->err->format_message(c, e->message);
  std::longjmp(e->jump, 1);
}

void on_message(j_common_ptr c, int level) {
  if (level < 0) fail(c);  // a warning: the data is corrupt
}

void on_progress(j_common_ptr c) {
  const auto* d = reinterpret_cast<j_decompress_ptr>(c);
  if (c->is_decompressor && d->input_scan_number > kMaxScans) {
    auto* e = reinterpret_cast<ErrorState*>(c->err);
    std::snprintf(e->message, sizeof e->message, "more than %d progressive scans", kMaxScans);
    std::longjmp(e->jump, 1);
  }
}

// Owns the decompressor; destroying it after an error is the documented way to clean up.
struct Decompressor {
  jpeg_decompress_struct info{};
  bool created = false;
  ~Decompressor() {
    if (created) jpeg_destroy_decompress(&info);
  }
};

// Runs libjpeg calls; false when libjpeg reported an error or a warning (message in `err`).
template <typename Calls>
[[gnu::noinline]] bool guarded(ErrorState& err, const Calls& calls) {
  if (setjmp(err.jump)) return false;
  calls();
  return true;
}

// Adobe writes CMYK inverted (255 = no ink): R = C·K/255 and so on, as stb_image did.
void cmyk_to_rgb(RawImage& img) {
  const size_t n = static_cast<size_t>(img.width) * static_cast<size_t>(img.height);
  uint8_t* p = img.data.data();
  for (size_t i = 0; i < n; ++i) {
    const unsigned k = p[4 * i + 3];
    for (int c = 0; c < 3; ++c) p[3 * i + c] = static_cast<uint8_t>((p[4 * i + c] * k + 127) / 255);
  }
  img.data.resize(3 * n);
  img.channels = 3;
}

RawImage decode(std::span<const uint8_t> bytes, const std::string& name,
                const DecodeLimits* limits) {
  Decompressor d;
  ErrorState err;
  jpeg_progress_mgr progress{};
  RawImage out;
  d.info.err = jpeg_std_error(&err.mgr);
  err.mgr.error_exit = fail;
  err.mgr.emit_message = on_message;
  progress.progress_monitor = on_progress;
  const auto run = [&](const auto& calls) {
    if (!guarded(err, calls)) UFLOW_FAIL(name, ": corrupt JPEG (", err.message, ")");
  };
  run([&] { jpeg_create_decompress(&d.info); });
  d.created = true;
  d.info.progress = &progress;
  run([&] {
    jpeg_mem_src(&d.info, bytes.data(), static_cast<unsigned long>(bytes.size()));
    jpeg_read_header(&d.info, TRUE);
  });
  out.width = d.info.image_width;
  out.height = d.info.image_height;
  if (!limits) return out;
  check_pixel_limit({out.width, out.height}, name, *limits);
  // Coefficient buffers of progressive files are the only large allocations libjpeg makes;
  // a few bytes per pixel and component, bounded by the pixel limit.
  d.info.mem->max_memory_to_use = std::max<long>(64L << 20, 32L * out.width * out.height);
  switch (d.info.jpeg_color_space) {
    case JCS_GRAYSCALE:
      d.info.out_color_space = JCS_GRAYSCALE;
      break;
    case JCS_CMYK:
    case JCS_YCCK:
      d.info.out_color_space = JCS_CMYK;
      break;
    default:
      d.info.out_color_space = JCS_RGB;
  }
  run([&] { jpeg_start_decompress(&d.info); });
  out.channels = d.info.output_components;
  out.bits = 8;
  const size_t row_bytes = static_cast<size_t>(d.info.output_width) * out.channels;
  UFLOW_CHECK(d.info.output_width == static_cast<JDIMENSION>(out.width) &&
                  d.info.output_height == static_cast<JDIMENSION>(out.height) &&
                  (out.channels == 1 || out.channels == 3 || out.channels == 4),
              name, ": unsupported JPEG layout (", out.channels, " components)");
  out.data.resize(row_bytes * d.info.output_height);
  run([&] {
    while (d.info.output_scanline < d.info.output_height) {
      JSAMPROW row = out.data.data() + d.info.output_scanline * row_bytes;
      jpeg_read_scanlines(&d.info, &row, 1);
    }
    jpeg_finish_decompress(&d.info);
  });
  if (out.channels == 4) cmyk_to_rgb(out);
  return out;
}

}  // namespace

RawImageHeader jpeg_header(std::span<const uint8_t> bytes, const std::string& name) {
  const RawImage h = decode(bytes, name, nullptr);
  return {h.width, h.height};
}

RawImage decode_jpeg(std::span<const uint8_t> bytes, const std::string& name,
                     const DecodeLimits& limits) {
  return decode(bytes, name, &limits);
}

}  // namespace uflow
