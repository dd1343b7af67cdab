// Allowed ranges of numeric settings, shared by command-line options and the attributes of
// checkpoints, so both refuse the same values with messages that state the range.
#pragma once
#include <cmath>
#include <cstdint>
#include <string>

namespace uflow::app {

struct IntRange {
  int64_t lo, hi;
  bool contains(int64_t v) const { return v >= lo && v <= hi; }
  std::string str() const;
};

// A finite interval; NaN and ±Inf are never contained.
struct RealRange {
  double lo, hi;
  bool lo_open = false, hi_open = false;
  bool contains(double v) const {
    return std::isfinite(v) && (lo_open ? v > lo : v >= lo) && (hi_open ? v < hi : v <= hi);
  }
  std::string str() const;
};

}  // namespace uflow::app
