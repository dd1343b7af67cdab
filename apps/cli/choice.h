// Reading a closed choice (an enum) from text: a command-line option or a checkpoint attribute.
// The spellings are the enum's to_string, written once next to the enum, so the parser, the
// error message and what checkpoints store cannot drift apart.
#pragma once
#include <initializer_list>
#include <string>

#include "tensor/error.h"

namespace uflow::app {

// The value among `allowed` whose to_string is `text`; otherwise throws one line
// "<source>: unknown <what> '<text>' (use a, b or c)".
template <typename E>
E parse_choice(const std::string& text, std::initializer_list<E> allowed, const char* what,
               const std::string& source) {
  std::string names;
  size_t i = 0;
  for (const E e : allowed) {
    if (text == to_string(e)) return e;
    if (i > 0) names += i + 1 == allowed.size() ? " or " : ", ";
    names += to_string(e);
    ++i;
  }
  UFLOW_FAIL(source, ": unknown ", what, " '", text, "' (use ", names, ")");
}

}  // namespace uflow::app
