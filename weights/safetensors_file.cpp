#include "weights/safetensors_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <limits>
#include <nlohmann/json.hpp>

#include "tensor/error.h"

namespace uflow {
namespace {

// The reference implementation refuses headers above 100 MB; so do we, before allocating.
constexpr uint64_t kMaxHeader = 100'000'000;

bool parse_dtype(const std::string& s, ElementType* t) {
  static const std::pair<const char*, ElementType> kTypes[] = {
      {"F64", ElementType::f64},     {"F32", ElementType::f32}, {"F16", ElementType::f16},
      {"BF16", ElementType::bf16},   {"I64", ElementType::i64}, {"I32", ElementType::i32},
      {"I16", ElementType::i16},     {"I8", ElementType::i8},   {"U8", ElementType::u8},
      {"BOOL", ElementType::boolean}};
  for (const auto& [name, type] : kTypes)
    if (s == name) {
      *t = type;
      return true;
    }
  return false;
}

class Fd {
 public:
  explicit Fd(const std::string& path) : fd_(::open(path.c_str(), O_RDONLY | O_CLOEXEC)) {
    UFLOW_CHECK(fd_ >= 0, path, ": cannot open (", std::strerror(errno), ")");
  }
  ~Fd() { ::close(fd_); }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

// Reads exactly n bytes at offset; false when the file ends first.
bool read_at(int fd, void* dst, uint64_t n, uint64_t offset) {
  auto* p = static_cast<char*>(dst);
  while (n > 0) {
    const ssize_t got = ::pread(fd, p, n, static_cast<off_t>(offset));
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) return false;
    p += got;
    n -= static_cast<uint64_t>(got);
    offset += static_cast<uint64_t>(got);
  }
  return true;
}

uint64_t le64(const unsigned char* b) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | b[i];
  return v;
}

}  // namespace

bool SafetensorsFile::looks_like(const std::string& path) {
  std::error_code ec;
  const uint64_t size = std::filesystem::file_size(path, ec);
  if (ec || size < 10) return false;
  Fd fd(path);
  unsigned char head[9];
  if (!read_at(fd.get(), head, 9, 0)) return false;
  const uint64_t n = le64(head);
  return n >= 2 && head[8] == '{';  // a length past the end is reported by the reader
}

SafetensorsFile::SafetensorsFile(const std::string& path) : path_(path) {
  std::error_code ec;
  UFLOW_CHECK(std::filesystem::is_regular_file(path, ec), path, ": file not found");
  const uint64_t size = std::filesystem::file_size(path, ec);
  UFLOW_CHECK(!ec, path, ": cannot read its size (", ec.message(), ")");
  UFLOW_CHECK(size >= 8, path, ": truncated safetensors file (", size,
              " bytes, shorter than the 8-byte header length)");
  Fd fd(path);
  unsigned char head[8];
  UFLOW_CHECK(read_at(fd.get(), head, 8, 0), path, ": cannot read the header length");
  const uint64_t n = le64(head);
  UFLOW_CHECK(n <= size - 8, path, ": safetensors header length ", n, " runs past the end of the ",
              size, "-byte file (truncated or not a safetensors file)");
  UFLOW_CHECK(n <= kMaxHeader, path, ": safetensors header of ", n, " bytes, more than the ",
              kMaxHeader, " allowed");
  std::string header(n, '\0');
  UFLOW_CHECK(read_at(fd.get(), header.data(), n, 8), path, ": cannot read the header");
  parse_header(header, size);
  readable_ = true;
}

SafetensorsFile::SafetensorsFile(const std::string& path, const std::string& header,
                                 uint64_t file_size)
    : path_(path) {
  parse_header(header, file_size);
}

void SafetensorsFile::parse_header(const std::string& header, uint64_t file_size) {
  using nlohmann::json;
  const json doc = json::parse(header, nullptr, /*allow_exceptions=*/false);
  UFLOW_CHECK(!doc.is_discarded(), path_, ": the safetensors header is not valid JSON");
  UFLOW_CHECK(doc.is_object(), path_, ": the safetensors header is not a JSON object");
  const uint64_t data_start = 8 + header.size();
  UFLOW_CHECK(data_start <= file_size, path_, ": header runs past the end of the file");
  const uint64_t data_size = file_size - data_start;
  struct Range {
    uint64_t begin, end;
    size_t index;
  };
  std::vector<Range> ranges;
  for (const auto& [name, entry] : doc.items()) {
    if (name == "__metadata__") {
      UFLOW_CHECK(entry.is_object(), path_, ": __metadata__ is not a JSON object");
      for (const auto& [k, v] : entry.items())
        if (v.is_string()) metadata_[k] = v.get<std::string>();
      continue;
    }
    const std::string where = path_ + ": tensor '" + name + "'";
    UFLOW_CHECK(entry.is_object(), where, ": entry is not a JSON object");
    UFLOW_CHECK(entry.contains("dtype") && entry["dtype"].is_string(), where, ": no dtype");
    UFLOW_CHECK(entry.contains("shape") && entry["shape"].is_array(), where, ": no shape");
    UFLOW_CHECK(entry.contains("data_offsets") && entry["data_offsets"].is_array() &&
                    entry["data_offsets"].size() == 2,
                where, ": data_offsets is not a pair [begin, end]");
    SourceTensorInfo info;
    info.name = name;
    const std::string dtype = entry["dtype"].get<std::string>();
    UFLOW_CHECK(parse_dtype(dtype, &info.type), where, ": unknown dtype '", dtype,
                "' (supported: F64, F32, F16, BF16, I64, I32, I16, I8, U8, BOOL)");
    uint64_t numel = 1;
    for (const json& d : entry["shape"]) {
      UFLOW_CHECK(d.is_number_unsigned(), where, ": shape ", entry["shape"].dump(),
                  " has a dimension that is not a non-negative integer");
      const uint64_t v = d.get<uint64_t>();
      UFLOW_CHECK(v <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) &&
                      (v == 0 || numel <= std::numeric_limits<uint64_t>::max() / 16 / v),
                  where, ": shape ", entry["shape"].dump(), " is too large");
      numel *= v;
      info.shape.push_back(static_cast<int64_t>(v));
    }
    const json& off = entry["data_offsets"];
    UFLOW_CHECK(off[0].is_number_unsigned() && off[1].is_number_unsigned(), where,
                ": data_offsets ", off.dump(), " are not non-negative integers");
    const uint64_t begin = off[0].get<uint64_t>(), end = off[1].get<uint64_t>();
    UFLOW_CHECK(begin <= end && end <= data_size, where, ": data_offsets [", begin, ", ", end,
                "] lie outside the ", data_size, " bytes of data");
    const uint64_t bytes = numel * static_cast<uint64_t>(element_size(info.type));
    UFLOW_CHECK(end - begin == bytes, where, ": data_offsets [", begin, ", ", end, "] hold ",
                end - begin, " bytes but ", dtype, " of shape ", shape_str(info.shape), " needs ",
                bytes);
    ranges.push_back({begin, end, tensors_.size()});
    tensors_.push_back(std::move(info));
    begin_.push_back(data_start + begin);
  }
  // nlohmann's object is sorted by name; the file order is that of the data.
  std::sort(ranges.begin(), ranges.end(), [](const Range& a, const Range& b) {
    return a.begin != b.begin ? a.begin < b.begin : a.end < b.end;
  });
  for (size_t i = 1; i < ranges.size(); ++i) {
    const Range& a = ranges[i - 1];
    const Range& b = ranges[i];
    UFLOW_CHECK(b.begin >= a.end || a.begin == a.end || b.begin == b.end, path_, ": tensors '",
                tensors_[a.index].name, "' [", a.begin, ", ", a.end, ") and '",
                tensors_[b.index].name, "' [", b.begin, ", ", b.end, ") overlap");
  }
  std::vector<SourceTensorInfo> ordered;
  std::vector<uint64_t> ordered_begin;
  for (const Range& r : ranges) {
    ordered.push_back(std::move(tensors_[r.index]));
    ordered_begin.push_back(begin_[r.index]);
  }
  tensors_ = std::move(ordered);
  begin_ = std::move(ordered_begin);
}

Tensor SafetensorsFile::read_float(size_t index) const {
  UFLOW_CHECK(readable_ && index < tensors_.size(), path_, ": no tensor ", index);
  const SourceTensorInfo& info = tensors_[index];
  Tensor out = Tensor::empty(info.shape, DType::f32);
  const int64_t numel = out.numel();
  const uint64_t bytes = static_cast<uint64_t>(numel * element_size(info.type));
  Fd fd(path_);
  if (info.type == ElementType::f32) {
    UFLOW_CHECK(read_at(fd.get(), out.data<float>(), bytes, begin_[index]), path_, ": tensor '",
                info.name, "': file ends inside its data (truncated)");
    return out;
  }
  // Other types go through a bounded staging buffer, so the peak stays near the output size.
  constexpr int64_t kChunk = 1 << 20;
  std::vector<unsigned char> buf;
  const int64_t esize = element_size(info.type);
  for (int64_t done = 0; done < numel; done += kChunk) {
    const int64_t n = std::min(kChunk, numel - done);
    buf.resize(static_cast<size_t>(n * esize));
    UFLOW_CHECK(read_at(fd.get(), buf.data(), buf.size(), begin_[index] + done * esize), path_,
                ": tensor '", info.name, "': file ends inside its data (truncated)");
    convert_to_float(info.type, buf.data(), n, out.data<float>() + done);
  }
  return out;
}

}  // namespace uflow
