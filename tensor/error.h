// Errors carry their context as one readable line; every failure in uflow is a uflow::Error.
#pragma once
#include <sstream>
#include <stdexcept>
#include <string>

namespace uflow {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

namespace detail {
template <typename... Args>
std::string concat(const Args&... args) {
  std::ostringstream os;
  (os << ... << args);
  return os.str();
}
}  // namespace detail

}  // namespace uflow

// UFLOW_CHECK(cond, "message parts", value, ...) throws uflow::Error when cond is false.
#define UFLOW_CHECK(cond, ...)                                               \
  do {                                                                       \
    if (!(cond)) throw ::uflow::Error(::uflow::detail::concat(__VA_ARGS__)); \
  } while (0)

#define UFLOW_FAIL(...) throw ::uflow::Error(::uflow::detail::concat(__VA_ARGS__))
