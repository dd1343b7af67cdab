// Checking for HDF5 C API calls. HDF5 reports failure through negative return values and its
// own error stack, which it would otherwise print to stderr; uflow turns every failure into
// one uflow::Error line that names the file, the call and HDF5's innermost message.
#pragma once
#include <hdf5.h>

#include <string>

#include "tensor/error.h"

namespace uflow::h5 {

// Turns off HDF5's automatic error printing (once per process; cheap to call again).
void silence_errors();
// HDF5's innermost error description for the last failed call, or "" if none; clears the stack.
std::string last_error();
// "H5Dopen2" from the text "H5Dopen2(file, name, ...)".
inline std::string function_name(const char* call) {
  const std::string s(call);
  return s.substr(0, s.find('('));
}

// Owns one HDF5 identifier and closes it with the matching H5*close function.
class Handle {
 public:
  Handle() = default;
  Handle(hid_t id, herr_t (*close)(hid_t)) : id_(id), close_(close) {}
  ~Handle() { reset(); }
  Handle(Handle&& o) noexcept : id_(o.id_), close_(o.close_) { o.id_ = -1; }
  Handle& operator=(Handle&& o) noexcept {
    if (this != &o) {
      reset();
      id_ = o.id_;
      close_ = o.close_;
      o.id_ = -1;
    }
    return *this;
  }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;

  hid_t get() const { return id_; }
  void reset() {
    if (id_ >= 0 && close_) close_(id_);
    id_ = -1;
  }

 private:
  hid_t id_ = -1;
  herr_t (*close_)(hid_t) = nullptr;
};

}  // namespace uflow::h5

// UFLOW_H5_CHECK(call, context...): evaluates an HDF5 call returning hid_t, herr_t or htri_t
// and throws uflow::Error "<context...> (H5Dopen2: <HDF5 message>)" when it is negative.
// Yields the call's value, so it can wrap identifier-returning calls.
#define UFLOW_H5_CHECK(call, ...)                                            \
  ([&]() {                                                                   \
    auto r_ = (call);                                                        \
    if (r_ < 0)                                                              \
      UFLOW_FAIL(__VA_ARGS__, " (", ::uflow::h5::function_name(#call), ": ", \
                 ::uflow::h5::last_error(), ")");                            \
    return r_;                                                               \
  }())
