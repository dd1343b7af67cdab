// libFuzzer target: the safetensors header parser (weights/safetensors_file.h). The input is
// the JSON header text; the first 8 bytes, when present, give the size of the file it claims
// to come from, so offsets are checked against sizes both larger and smaller than the data.
// Any input must either parse into tensors whose byte ranges lie inside the data and do not
// overlap, or throw uflow::Error; nothing else (no crash, no other exception).
#include <cstdint>
#include <cstring>
#include <string>

#include "tensor/error.h"
#include "weights/safetensors_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  uint64_t file_size = 0;
  if (size >= 8) {
    std::memcpy(&file_size, data, 8);
    data += 8;
    size -= 8;
  }
  const std::string header(reinterpret_cast<const char*>(data), size);
  file_size = 8 + header.size() + file_size % (1u << 20);
  try {
    uflow::SafetensorsFile file("fuzz.safetensors", header, file_size);
    for (const uflow::SourceTensorInfo& t : file.tensors()) (void)t.shape.size();
  } catch (const uflow::Error&) {
  }
  return 0;
}
