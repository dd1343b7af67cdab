#include "weights/torch_checkpoint.h"

#include <zip.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "tensor/error.h"

namespace uflow {
namespace {

// A state_dict pickle is a few MB even for the largest models; a bigger claim is refused
// before anything is allocated.
constexpr uint64_t kMaxPickle = 256ull << 20;

zip_t* as_zip(void* z) {
  return static_cast<zip_t*>(z);
}

std::string zip_message(int code) {
  zip_error_t err;
  zip_error_init_with_code(&err, code);
  std::string s = zip_error_strerror(&err);
  zip_error_fini(&err);
  return s;
}

// One open entry of the archive; reads may only move forward.
class Entry {
 public:
  Entry(zip_t* z, zip_uint64_t index, const std::string& where) : where_(where) {
    file_ = zip_fopen_index(z, index, 0);
    UFLOW_CHECK(file_, where_, ": cannot open (", zip_strerror(z), ")");
    zip_stat_t st;
    zip_stat_init(&st);
    zip_stat_index(z, index, 0, &st);
    stored_ = (st.valid & ZIP_STAT_COMP_METHOD) && st.comp_method == ZIP_CM_STORE;
  }
  ~Entry() { zip_fclose(file_); }
  Entry(const Entry&) = delete;
  Entry& operator=(const Entry&) = delete;

  void skip(uint64_t n) {
    if (n == 0) return;
    if (stored_ && zip_fseek(file_, static_cast<zip_int64_t>(n), SEEK_CUR) == 0) return;
    std::vector<unsigned char> sink(std::min<uint64_t>(n, 1 << 20));
    while (n > 0) {
      const uint64_t k = std::min<uint64_t>(n, sink.size());
      read(sink.data(), k);
      n -= k;
    }
  }
  void read(void* dst, uint64_t n) {
    auto* p = static_cast<unsigned char*>(dst);
    while (n > 0) {
      const zip_int64_t got = zip_fread(file_, p, n);
      UFLOW_CHECK(got > 0, where_, ": ",
                  got < 0 ? std::string("cannot read (") + zip_file_strerror(file_) + ")"
                          : std::string("entry ends early (truncated)"));
      p += got;
      n -= static_cast<uint64_t>(got);
    }
  }

 private:
  zip_file_t* file_ = nullptr;
  std::string where_;
  bool stored_ = false;
};

}  // namespace

bool TorchCheckpoint::looks_like(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  char magic[4] = {};
  in.read(magic, 4);
  return in && std::memcmp(magic, "PK\x03\x04", 4) == 0;
}

TorchCheckpoint::TorchCheckpoint(const std::string& path) : path_(path) {
  std::error_code ec;
  UFLOW_CHECK(std::filesystem::is_regular_file(path, ec), path, ": file not found");
  const uint64_t file_size = std::filesystem::file_size(path, ec);
  int code = 0;
  zip_ = zip_open(path.c_str(), ZIP_RDONLY, &code);
  UFLOW_CHECK(zip_, path, ": not a readable PyTorch zip checkpoint (", zip_message(code), ")");
  try {
    zip_t* z = as_zip(zip_);
    // The archive folder is that of the one data.pkl at depth one.
    zip_int64_t pickle_index = -1;
    const zip_int64_t count = zip_get_num_entries(z, 0);
    for (zip_int64_t i = 0; i < count; ++i) {
      const char* name = zip_get_name(z, static_cast<zip_uint64_t>(i), 0);
      if (!name) continue;
      const std::string n(name);
      const size_t slash = n.find('/');
      if (slash != std::string::npos && n.substr(slash + 1) == "data.pkl") {
        UFLOW_CHECK(pickle_index < 0, path, ": more than one data.pkl in the archive");
        pickle_index = i;
        prefix_ = n.substr(0, slash + 1);
      }
    }
    UFLOW_CHECK(pickle_index >= 0, path,
                ": zip archive without <folder>/data.pkl (not a torch.save checkpoint)");
    // Every entry's claimed size must be possible: stored entries cannot exceed the archive,
    // and the pickle is bounded. Checked before any allocation.
    for (zip_int64_t i = 0; i < count; ++i) {
      zip_stat_t st;
      zip_stat_init(&st);
      if (zip_stat_index(z, static_cast<zip_uint64_t>(i), 0, &st) != 0) continue;
      const bool stored = (st.valid & ZIP_STAT_COMP_METHOD) && st.comp_method == ZIP_CM_STORE;
      UFLOW_CHECK(!stored || st.size <= file_size, path, ": entry '", st.name, "' claims ", st.size,
                  " bytes, more than the whole ", file_size, "-byte archive");
      if (i == pickle_index)
        UFLOW_CHECK(st.size <= kMaxPickle, path, ": entry '", st.name, "' claims ", st.size,
                    " bytes, more than the ", kMaxPickle, " a checkpoint pickle may have");
    }
    const zip_int64_t order = zip_name_locate(z, (prefix_ + "byteorder").c_str(), 0);
    if (order >= 0) {
      Entry e(z, static_cast<zip_uint64_t>(order), path + ": " + prefix_ + "byteorder");
      zip_stat_t st;
      zip_stat_index(z, static_cast<zip_uint64_t>(order), 0, &st);
      std::string text(std::min<uint64_t>(st.size, 16), '\0');
      e.read(text.data(), text.size());
      UFLOW_CHECK(text == "little" || text == "big", path, ": ", prefix_, "byteorder is '", text,
                  "', expected 'little' or 'big'");
      big_endian_ = text == "big";
    }
    zip_stat_t st;
    zip_stat_index(z, static_cast<zip_uint64_t>(pickle_index), 0, &st);
    std::string pickle(st.size, '\0');
    const std::string source = path + ": " + prefix_ + "data.pkl";
    Entry(z, static_cast<zip_uint64_t>(pickle_index), source).read(pickle.data(), pickle.size());
    doc_ = read_pickle(pickle, source);
  } catch (...) {
    zip_discard(as_zip(zip_));
    throw;
  }

  state_ = doc_.root;
  for (const char* wrapper : {"state_dict", "model"}) {
    const PyValue* inner = state_->is_mapping() ? state_->get(wrapper) : nullptr;
    if (inner && inner->kind == PyKind::dict) {
      state_ = inner;
      break;
    }
  }
  if (state_->is_mapping())
    for (const auto& [k, v] : state_->entries) {
      if (v->kind != PyKind::tensor) continue;
      UFLOW_CHECK(k->kind == PyKind::string, path, ": a state dict key is a ", k->describe(),
                  ", not a string");
      tensors_.push_back(
          {k->text, v->tensor.storage->type, Shape(v->tensor.size.begin(), v->tensor.size.end())});
      tensor_values_.push_back(&v->tensor);
    }
}

TorchCheckpoint::~TorchCheckpoint() {
  if (zip_) zip_discard(as_zip(zip_));
}

Tensor TorchCheckpoint::read_float(size_t index) const {
  UFLOW_CHECK(index < tensors_.size(), path_, ": no tensor ", index);
  return read_float(*tensor_values_[index], tensors_[index].name);
}

Tensor TorchCheckpoint::read_float(const PyTensor& t, const std::string& name) const {
  const PyStorage& s = *t.storage;
  const std::string where = path_ + ": tensor '" + name + "'";
  Tensor out = Tensor::empty(Shape(t.size.begin(), t.size.end()), DType::f32);
  const int64_t numel = out.numel();
  if (numel == 0) return out;
  // The unpickler checked that the view lies inside the storage: elements [offset, last].
  int64_t last = t.offset;
  for (size_t d = 0; d < t.size.size(); ++d) last += (t.size[d] - 1) * t.stride[d];
  const int64_t esize = element_size(s.type);
  const std::string entry_name = prefix_ + "data/" + s.key;
  zip_t* z = as_zip(zip_);
  const zip_int64_t index = zip_name_locate(z, entry_name.c_str(), 0);
  UFLOW_CHECK(index >= 0, where, ": its storage ", entry_name, " is missing from the archive");
  zip_stat_t st;
  zip_stat_init(&st);
  zip_stat_index(z, static_cast<zip_uint64_t>(index), 0, &st);
  UFLOW_CHECK(st.size == static_cast<uint64_t>(s.numel * esize), where, ": storage ", entry_name,
              " holds ", st.size, " bytes but ", s.numel, " ", element_type_name(s.type),
              " elements take ", s.numel * esize);
  const int64_t span = last - t.offset + 1;
  std::vector<unsigned char> buf;
  Entry entry(z, static_cast<zip_uint64_t>(index), path_ + ": " + entry_name);
  entry.skip(static_cast<uint64_t>(t.offset * esize));

  bool contiguous = true;
  for (int64_t d = static_cast<int64_t>(t.size.size()) - 1, expect = 1; d >= 0; --d) {
    if (t.size[d] != 1 && t.stride[d] != expect) contiguous = false;
    expect *= t.size[d];
  }
  if (contiguous && s.type == ElementType::f32 && !big_endian_) {
    entry.read(out.data<float>(), static_cast<uint64_t>(numel * 4));
    return out;
  }
  buf.resize(static_cast<size_t>(span * esize));
  entry.read(buf.data(), buf.size());
  if (big_endian_) swap_element_bytes(s.type, buf.data(), span);
  float* dst = out.data<float>();
  if (contiguous) {
    convert_to_float(s.type, buf.data(), numel, dst);
    return out;
  }
  // Strided gather, one innermost row at a time.
  const size_t nd = t.size.size();
  const int64_t inner = t.size[nd - 1], inner_stride = t.stride[nd - 1];
  std::vector<int64_t> idx(nd, 0);
  for (int64_t done = 0; done < numel; done += inner) {
    int64_t base = 0;
    for (size_t d = 0; d + 1 < nd; ++d) base += idx[d] * t.stride[d];
    for (int64_t i = 0; i < inner; ++i)
      convert_to_float(s.type, buf.data() + (base + i * inner_stride) * esize, 1, dst + done + i);
    for (int64_t d = static_cast<int64_t>(nd) - 2; d >= 0; --d) {
      if (++idx[d] < t.size[d]) break;
      idx[d] = 0;
    }
  }
  return out;
}

}  // namespace uflow
