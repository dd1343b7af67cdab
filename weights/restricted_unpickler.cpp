#include "weights/restricted_unpickler.h"

#include <cstring>
#include <limits>
#include <unordered_map>

#include "tensor/error.h"

namespace uflow {
namespace {

// The PyTorch storage classes a persistent id may name, and their element types.
bool storage_type(const std::string& cls, ElementType* t) {
  static const std::pair<const char*, ElementType> kTypes[] = {
      {"torch.FloatStorage", ElementType::f32}, {"torch.DoubleStorage", ElementType::f64},
      {"torch.HalfStorage", ElementType::f16},  {"torch.BFloat16Storage", ElementType::bf16},
      {"torch.LongStorage", ElementType::i64},  {"torch.IntStorage", ElementType::i32},
      {"torch.ShortStorage", ElementType::i16}, {"torch.CharStorage", ElementType::i8},
      {"torch.ByteStorage", ElementType::u8},   {"torch.BoolStorage", ElementType::boolean}};
  for (const auto& [name, type] : kTypes)
    if (cls == name) {
      *t = type;
      return true;
    }
  return false;
}

const char* opcode_name(unsigned char op) {
  switch (op) {
    case 'I':
      return "INT";
    case 'L':
      return "LONG";
    case 'F':
      return "FLOAT";
    case 'S':
      return "STRING";
    case 'V':
      return "UNICODE";
    case 'p':
      return "PUT";
    case 'g':
      return "GET";
    case 'P':
      return "PERSID";
    case 'i':
      return "INST";
    case 'o':
      return "OBJ";
    case 0x82:
      return "EXT1";
    case 0x83:
      return "EXT2";
    case 0x84:
      return "EXT4";
    case 0x97:
      return "NEXT_BUFFER";
    case 0x98:
      return "READONLY_BUFFER";
    default:
      return "unknown";
  }
}

class Unpickler {
 public:
  Unpickler(std::string_view data, const std::string& source) : data_(data), source_(source) {}

  PickleDocument run() {
    while (true) {
      const size_t at = pos_;
      const unsigned char op = byte();
      op_at_ = at;
      if (op == '.') break;
      step(op);
    }
    UFLOW_CHECK(stack_.size() == 1 && marks_.empty(), source_, ": pickle ends with ", stack_.size(),
                " values on the stack instead of one");
    doc_.root = stack_.back();
    return std::move(doc_);
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    UFLOW_FAIL(source_, ": ", what, " (pickle byte ", op_at_, ")");
  }
  unsigned char byte() {
    if (pos_ >= data_.size()) fail("pickle is truncated");
    return static_cast<unsigned char>(data_[pos_++]);
  }
  std::string_view bytes(uint64_t n) {
    if (n > data_.size() - pos_) fail("pickle is truncated (a string runs past its end)");
    const std::string_view s = data_.substr(pos_, n);
    pos_ += n;
    return s;
  }
  uint64_t uint_le(int n) {
    const std::string_view s = bytes(n);
    uint64_t v = 0;
    for (int i = n - 1; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(s[i]);
    return v;
  }
  std::string line() {
    const size_t end = data_.find('\n', pos_);
    if (end == std::string_view::npos) fail("pickle is truncated (a GLOBAL name has no end)");
    std::string s(data_.substr(pos_, end - pos_));
    pos_ = end + 1;
    return s;
  }

  PyValue* make(PyKind kind) {
    doc_.arena.push_back(std::make_unique<PyValue>());
    doc_.arena.back()->kind = kind;
    return doc_.arena.back().get();
  }
  void push(PyValue* v) { stack_.push_back(v); }
  PyValue* pop() {
    if (stack_.size() <= floor()) fail("pickle pops from an empty stack");
    PyValue* v = stack_.back();
    stack_.pop_back();
    return v;
  }
  PyValue* top() {
    if (stack_.size() <= floor()) fail("pickle reads from an empty stack");
    return stack_.back();
  }
  size_t floor() const { return marks_.empty() ? 0 : marks_.back(); }
  // The values pushed since the last MARK, which is removed.
  std::vector<PyValue*> pop_mark() {
    if (marks_.empty()) fail("pickle uses a MARK it never set");
    const size_t m = marks_.back();
    marks_.pop_back();
    std::vector<PyValue*> items(stack_.begin() + static_cast<std::ptrdiff_t>(m), stack_.end());
    stack_.resize(m);
    return items;
  }
  PyValue* integer(int64_t v) {
    PyValue* p = make(PyKind::integer);
    p->integer = v;
    return p;
  }
  PyValue* text(PyKind kind, std::string_view s) {
    PyValue* p = make(kind);
    p->text = std::string(s);
    return p;
  }
  PyValue* tuple(std::vector<PyValue*> items) {
    PyValue* p = make(PyKind::tuple);
    p->items = std::move(items);
    return p;
  }
  int64_t signed_le(std::string_view s) {
    if (s.size() > 8) fail("integer of " + std::to_string(s.size()) + " bytes is too large");
    if (s.empty()) return 0;
    uint64_t v = 0;
    for (size_t i = s.size(); i-- > 0;) v = (v << 8) | static_cast<unsigned char>(s[i]);
    if (s.size() < 8 && (static_cast<unsigned char>(s.back()) & 0x80))
      v |= ~uint64_t{0} << (8 * s.size());  // sign extension
    int64_t out;
    std::memcpy(&out, &v, 8);
    return out;
  }
  void memo_put(uint64_t index) { memo_[index] = top(); }
  PyValue* memo_get(uint64_t index) {
    const auto it = memo_.find(index);
    if (it == memo_.end()) fail("pickle reads memo entry " + std::to_string(index) + " never set");
    return it->second;
  }

  void set_items(PyValue* target, const std::vector<PyValue*>& kv) {
    if (kv.size() % 2) fail("SETITEMS with an odd number of values");
    if (target->kind == PyKind::object) {
      target->has_entries = true;
    } else if (target->kind != PyKind::dict) {
      fail("SETITEMS on a " + target->describe());
    }
    for (size_t i = 0; i < kv.size(); i += 2) target->entries.emplace_back(kv[i], kv[i + 1]);
  }
  void append(PyValue* target, const std::vector<PyValue*>& items) {
    if (target->kind != PyKind::list && target->kind != PyKind::object)
      fail("APPENDS on a " + target->describe());
    target->items.insert(target->items.end(), items.begin(), items.end());
  }

  PyValue* persistent_load(const PyValue* pid) {
    if (pid->kind != PyKind::tuple || pid->items.size() != 5 ||
        pid->items[0]->kind != PyKind::string || pid->items[0]->text != "storage")
      fail("persistent id is not ('storage', type, key, location, numel)");
    const PyValue* cls = pid->items[1];
    ElementType type;
    if (cls->kind != PyKind::global || !storage_type(cls->text, &type))
      fail("persistent id names an unknown storage type (" + cls->describe() + ")");
    if (pid->items[2]->kind != PyKind::string || pid->items[4]->kind != PyKind::integer ||
        pid->items[4]->integer < 0)
      fail("persistent id with a malformed storage key or size");
    const std::string& key = pid->items[2]->text;
    const auto it = storages_.find(key);
    PyStorage* storage;
    if (it != storages_.end()) {  // one storage shared by several tensors
      storage = it->second;
      if (storage->type != type || storage->numel != pid->items[4]->integer)
        fail("storage '" + key + "' is named twice with different types or sizes");
    } else {
      doc_.storages.push_back(std::make_unique<PyStorage>());
      storage = doc_.storages.back().get();
      storage->key = key;
      storage->type = type;
      storage->numel = pid->items[4]->integer;
      storages_[key] = storage;
    }
    PyValue* v = make(PyKind::storage);
    v->storage = storage;
    return v;
  }

  std::vector<int64_t> int_tuple(const PyValue* v, const char* what) {
    if (v->kind != PyKind::tuple || v->items.size() > 64)
      fail(std::string("tensor ") + what + " is not a tuple of at most 64 integers");
    std::vector<int64_t> out;
    for (const PyValue* d : v->items) {
      if (d->kind != PyKind::integer || d->integer < 0)
        fail(std::string("tensor ") + what + " holds a value that is not a non-negative integer");
      out.push_back(d->integer);
    }
    return out;
  }

  PyValue* rebuild_tensor(const PyValue* args) {
    if (args->kind != PyKind::tuple || args->items.size() < 4)
      fail("_rebuild_tensor_v2 without (storage, offset, size, stride)");
    const PyValue* storage = args->items[0];
    if (storage->kind != PyKind::storage)
      fail("a tensor is built from a " + storage->describe() + " instead of a storage");
    if (args->items[1]->kind != PyKind::integer || args->items[1]->integer < 0)
      fail("tensor storage offset is not a non-negative integer");
    PyValue* t = make(PyKind::tensor);
    t->tensor.storage = storage->storage;
    t->tensor.offset = args->items[1]->integer;
    t->tensor.size = int_tuple(args->items[2], "size");
    t->tensor.stride = int_tuple(args->items[3], "stride");
    if (t->tensor.size.size() != t->tensor.stride.size())
      fail("tensor size and stride have different lengths");
    // The view must lie inside its storage; computed so that nothing overflows.
    constexpr int64_t kMax = std::numeric_limits<int64_t>::max() / 2;
    int64_t numel = 1, last = t->tensor.offset;
    for (size_t d = 0; d < t->tensor.size.size(); ++d) {
      const int64_t n = t->tensor.size[d], s = t->tensor.stride[d];
      if (n == 0) {
        numel = 0;
        continue;
      }
      if (numel > kMax / n) fail("tensor size is too large");
      numel *= n;
      if (s > 0 && (n - 1) > (kMax - last) / s) fail("tensor strides reach too far");
      last += (n - 1) * s;
    }
    const int64_t available = storage->storage->numel;
    if (numel > 0 && (last >= available || numel > available))
      fail("tensor of size (" + join(t->tensor.size) + ") stride (" + join(t->tensor.stride) +
           ") at offset " + std::to_string(t->tensor.offset) + " lies outside its storage '" +
           storage->storage->key + "' of " + std::to_string(available) + " elements");
    return t;
  }
  static std::string join(const std::vector<int64_t>& v) {
    std::string s;
    for (size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + std::to_string(v[i]);
    return s;
  }

  PyValue* call(const PyValue* callable, const PyValue* args) {
    if (args->kind != PyKind::tuple) fail("REDUCE arguments are not a tuple");
    const std::string name = callable->kind == PyKind::global ? callable->text : "";
    if (name == "collections.OrderedDict" && args->items.empty()) return make(PyKind::dict);
    if (name == "torch._utils._rebuild_tensor_v2") return rebuild_tensor(args);
    if (name == "torch._utils._rebuild_parameter") {
      if (args->items.empty() || args->items[0]->kind != PyKind::tensor)
        fail("_rebuild_parameter without a tensor");
      return args->items[0];
    }
    // Anything else is never called: it stays an opaque value of that class.
    PyValue* obj = make(PyKind::object);
    obj->text = name.empty() ? "(result of calling a " + callable->describe() + ")" : name;
    return obj;
  }

  void step(unsigned char op) {
    switch (op) {
      case 0x80:  // PROTO
        if (byte() > 5) fail("pickle protocol above 5");
        return;
      case 0x95:  // FRAME: only a hint for buffered readers
        uint_le(8);
        return;
      case '(':
        marks_.push_back(stack_.size());
        return;
      case '0':
        pop();
        return;
      case '1':
        pop_mark();
        return;
      case '2':
        push(top());
        return;
      case 'N':
        push(make(PyKind::none));
        return;
      case 0x88:
      case 0x89: {
        PyValue* b = make(PyKind::boolean);
        b->boolean = op == 0x88;
        push(b);
        return;
      }
      case 'J':
        push(integer(static_cast<int32_t>(uint_le(4))));
        return;
      case 'K':
        push(integer(static_cast<int64_t>(uint_le(1))));
        return;
      case 'M':
        push(integer(static_cast<int64_t>(uint_le(2))));
        return;
      case 0x8a:
        push(integer(signed_le(bytes(uint_le(1)))));
        return;
      case 0x8b:
        push(integer(signed_le(bytes(uint_le(4)))));
        return;
      case 'G': {
        uint64_t bits = 0;
        for (const char c : bytes(8)) bits = (bits << 8) | static_cast<unsigned char>(c);
        PyValue* r = make(PyKind::real);
        std::memcpy(&r->real, &bits, 8);  // big-endian in the pickle
        push(r);
        return;
      }
      case 'X':
        push(text(PyKind::string, bytes(uint_le(4))));
        return;
      case 0x8c:
        push(text(PyKind::string, bytes(uint_le(1))));
        return;
      case 0x8d:
        push(text(PyKind::string, bytes(uint_le(8))));
        return;
      case 'T':
        push(text(PyKind::string, bytes(uint_le(4))));
        return;
      case 'U':
        push(text(PyKind::string, bytes(uint_le(1))));
        return;
      case 'B':
        push(text(PyKind::bytes, bytes(uint_le(4))));
        return;
      case 'C':
        push(text(PyKind::bytes, bytes(uint_le(1))));
        return;
      case 0x8e:
      case 0x96:
        push(text(PyKind::bytes, bytes(uint_le(8))));
        return;
      case ')':
        push(tuple({}));
        return;
      case 't':
        push(tuple(pop_mark()));
        return;
      case 0x85:
      case 0x86:
      case 0x87: {
        const size_t n = op - 0x84u;
        std::vector<PyValue*> items(n);
        for (size_t i = n; i-- > 0;) items[i] = pop();
        push(tuple(std::move(items)));
        return;
      }
      case ']':
        push(make(PyKind::list));
        return;
      case 'l': {
        PyValue* l = make(PyKind::list);
        l->items = pop_mark();
        push(l);
        return;
      }
      case 'a': {
        PyValue* v = pop();
        append(top(), {v});
        return;
      }
      case 'e': {
        const std::vector<PyValue*> items = pop_mark();
        append(top(), items);
        return;
      }
      case '}':
        push(make(PyKind::dict));
        return;
      case 'd': {
        PyValue* d = make(PyKind::dict);
        set_items(d, pop_mark());
        push(d);
        return;
      }
      case 's': {
        PyValue* v = pop();
        PyValue* k = pop();
        set_items(top(), {k, v});
        return;
      }
      case 'u': {
        const std::vector<PyValue*> kv = pop_mark();
        set_items(top(), kv);
        return;
      }
      case 0x8f:
        push(make(PyKind::set));
        return;
      case 0x90: {
        const std::vector<PyValue*> items = pop_mark();
        PyValue* s = top();
        if (s->kind != PyKind::set) fail("ADDITEMS on a " + s->describe());
        s->items.insert(s->items.end(), items.begin(), items.end());
        return;
      }
      case 0x91: {
        PyValue* s = make(PyKind::set);
        s->items = pop_mark();
        push(s);
        return;
      }
      case 'q':
        memo_put(uint_le(1));
        return;
      case 'r':
        memo_put(uint_le(4));
        return;
      case 0x94:
        memo_put(memo_.size());
        return;
      case 'h':
        push(memo_get(uint_le(1)));
        return;
      case 'j':
        push(memo_get(uint_le(4)));
        return;
      case 'c': {
        const std::string module = line();
        const std::string name = line();
        push(text(PyKind::global, module + "." + name));
        return;
      }
      case 0x93: {
        PyValue* name = pop();
        PyValue* module = pop();
        if (name->kind != PyKind::string || module->kind != PyKind::string)
          fail("STACK_GLOBAL with names that are not strings");
        push(text(PyKind::global, module->text + "." + name->text));
        return;
      }
      case 'R': {
        PyValue* args = pop();
        PyValue* callable = pop();
        push(call(callable, args));
        return;
      }
      case 0x81:
      case 0x92: {
        if (op == 0x92) pop();  // keyword arguments
        PyValue* args = pop();
        PyValue* cls = pop();
        if (args->kind != PyKind::tuple) fail("NEWOBJ arguments are not a tuple");
        if (cls->kind == PyKind::global && cls->text == "collections.OrderedDict") {
          push(make(PyKind::dict));
        } else {
          PyValue* obj = make(PyKind::object);
          obj->text = cls->kind == PyKind::global ? cls->text : "(" + cls->describe() + ")";
          push(obj);
        }
        return;
      }
      case 'b':  // BUILD: the state of an object (or an OrderedDict's attributes) is dropped
        pop();
        top();
        return;
      case 'Q': {
        PyValue* pid = pop();
        push(persistent_load(pid));
        return;
      }
      default: {
        char hex[8];
        std::snprintf(hex, sizeof hex, "0x%02x", op);
        fail(std::string("unsupported pickle opcode ") + hex + " (" + opcode_name(op) + ")");
      }
    }
  }

  std::string_view data_;
  const std::string& source_;
  size_t pos_ = 0, op_at_ = 0;
  std::vector<PyValue*> stack_;
  std::vector<size_t> marks_;
  std::unordered_map<uint64_t, PyValue*> memo_;
  std::unordered_map<std::string, PyStorage*> storages_;
  PickleDocument doc_;
};

}  // namespace

const PyValue* PyValue::get(std::string_view key) const {
  for (const auto& [k, v] : entries)
    if (k->kind == PyKind::string && k->text == key) return v;
  return nullptr;
}

std::string PyValue::describe() const {
  switch (kind) {
    case PyKind::none:
      return "None";
    case PyKind::boolean:
      return "bool";
    case PyKind::integer:
      return "int";
    case PyKind::real:
      return "float";
    case PyKind::string:
      return "str";
    case PyKind::bytes:
      return "bytes";
    case PyKind::list:
      return "list";
    case PyKind::tuple:
      return "tuple";
    case PyKind::dict:
      return "dict";
    case PyKind::set:
      return "set";
    case PyKind::global:
      return "class " + text;
    case PyKind::object:
      return "object " + text;
    case PyKind::storage:
      return "storage";
    case PyKind::tensor:
      return "tensor";
  }
  return "?";
}

PickleDocument read_pickle(std::string_view data, const std::string& source) {
  return Unpickler(data, source).run();
}

}  // namespace uflow
