#include "apps/cli/value_range.h"

#include <sstream>

namespace uflow::app {

std::string IntRange::str() const {
  std::ostringstream os;
  os << "[" << lo << ", " << hi << "]";
  return os.str();
}

std::string RealRange::str() const {
  std::ostringstream os;
  os << (lo_open ? "(" : "[") << lo << ", " << hi << (hi_open ? ")" : "]");
  return os.str();
}

}  // namespace uflow::app
