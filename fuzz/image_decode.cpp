// libFuzzer target: image decoding from memory, as every image load does after reading the
// file: content sniffing, the header readers, the PNG (libpng), JPEG (libjpeg-turbo) and BMP
// (stb_image, compiled in here with the sanitizers) decoders, the conversion to tensors.
#include <cstdint>

#include "fuzz/fuzz_util.h"
#include "imaging/image_io.h"
#include "tensor/error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // Small limits keep each run fast and inside libFuzzer's memory limit; the limit check itself
  // is part of what is fuzzed.
  uflow::DecodeLimits limits;
  limits.max_pixels = 1 << 20;
  limits.max_bytes = 1 << 20;
  const std::span<const uint8_t> bytes(data, size);
  UFLOW_FUZZ_EXPECT_ERRORS(uflow::image_info(bytes, "input", limits));
  UFLOW_FUZZ_EXPECT_ERRORS(uflow::decode_image(bytes, (size & 1) ? 1 : 3, "input", limits));
  return 0;
}
