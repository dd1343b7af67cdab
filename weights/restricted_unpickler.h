// A restricted reader for the pickles inside PyTorch checkpoints (torch.save's data.pkl). It
// understands the values a state_dict and a Lightning checkpoint are made of, and never runs
// anything: dict, collections.OrderedDict, list, tuple, set, str, bytes, int, float, bool,
// None, the storages named by persistent ids, and the tensors
// torch._utils._rebuild_tensor_v2(storage, offset, size, stride, ...) makes of them (also
// through torch._utils._rebuild_parameter). Any other class becomes an opaque value that
// remembers its name and the items set on it, so a hyper-parameter object inside a checkpoint
// does not stop the conversion. Opcodes of the text protocol 0, extension registries and
// out-of-band buffers are refused with an error naming the opcode and its position.
//
// Values live in an arena owned by the PickleDocument, so self-referencing or deeply nested
// input neither leaks nor recurses when freed.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "weights/element_type.h"

namespace uflow {

enum class PyKind {
  none,
  boolean,
  integer,
  real,
  string,
  bytes,
  list,
  tuple,
  dict,
  set,
  global,
  object,
  storage,
  tensor
};

// One storage of a checkpoint: zip entry <archive>/data/<key>, `numel` elements of `type`.
struct PyStorage {
  std::string key;
  ElementType type = ElementType::f32;
  int64_t numel = 0;
};

// A strided view of a storage, as torch._utils._rebuild_tensor_v2 describes it.
struct PyTensor {
  const PyStorage* storage = nullptr;
  int64_t offset = 0;  // in elements
  std::vector<int64_t> size, stride;
};

struct PyValue {
  PyKind kind = PyKind::none;
  bool boolean = false;
  int64_t integer = 0;
  double real = 0;
  std::string text;                                    // string, bytes; global/object: class
  std::vector<PyValue*> items;                         // list, tuple, set; object: appended
  std::vector<std::pair<PyValue*, PyValue*>> entries;  // dict; object: items set on it
  bool has_entries = false;                            // object: received dict items
  PyTensor tensor;
  const PyStorage* storage = nullptr;

  // The value of a string key of a dict (or dict-like object); nullptr when absent.
  const PyValue* get(std::string_view key) const;
  bool is_mapping() const {
    return kind == PyKind::dict || (kind == PyKind::object && has_entries);
  }
  std::string describe() const;  // "dict", "tensor", "object collections.Foo", ...
};

struct PickleDocument {
  std::vector<std::unique_ptr<PyValue>> arena;
  std::vector<std::unique_ptr<PyStorage>> storages;
  const PyValue* root = nullptr;
};

// Parses a pickle. `source` names it in error messages ("model.ckpt: archive/data.pkl").
// Throws one uflow::Error line for malformed or unsupported input.
PickleDocument read_pickle(std::string_view data, const std::string& source);

}  // namespace uflow
