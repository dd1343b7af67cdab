// Reader for the safetensors format (https://huggingface.co/docs/safetensors): an 8-byte
// little-endian header length N, N bytes of JSON mapping each tensor name to
// {"dtype", "shape", "data_offsets": [begin, end]} (byte offsets into the data that follows
// the header; "__metadata__" holds free-form strings), then the raw little-endian data.
//
// The header is checked completely on open, before any tensor is read: its length against
// the file size, the JSON, every dtype (F64, F32, F16, BF16 and the integer and bool types),
// every shape against its byte range, and the byte ranges against the data size and against
// each other (no two tensors may overlap). Every failure is one uflow::Error line naming the
// file and the tensor.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "weights/tensor_source.h"

namespace uflow {

class SafetensorsFile : public TensorSource {
 public:
  explicit SafetensorsFile(const std::string& path);
  // Parses a header held in memory; file_size is the size of the whole file it came from
  // (8 + header + data). read_float is not available on such an object.
  SafetensorsFile(const std::string& path, const std::string& header, uint64_t file_size);

  const std::string& path() const override { return path_; }
  const std::vector<SourceTensorInfo>& tensors() const override { return tensors_; }
  Tensor read_float(size_t index) const override;
  const std::map<std::string, std::string>& metadata() const { return metadata_; }

  // True when the first bytes of a file look like a safetensors header: an 8-byte length
  // followed by '{'.
  static bool looks_like(const std::string& path);

 private:
  void parse_header(const std::string& header, uint64_t file_size);
  std::string path_;
  std::vector<SourceTensorInfo> tensors_;
  std::vector<uint64_t> begin_;  // absolute file offset of each tensor's data
  std::map<std::string, std::string> metadata_;
  bool readable_ = false;
};

}  // namespace uflow
