// Reference-parity helpers: fixture paths, and a tolerance check scaled to the reference
// tensor that also records the worst error seen, so each parity test can print one summary
// line per fixture (the figures quoted in issues and the README).
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <string>

#include "test_util.h"

namespace uflow::test {

inline std::string fixture_path(const std::string& rel) {
  return std::string(UFLOW_FIXTURES_DIR) + "/" + rel;
}

inline double max_abs(const Tensor& t) {
  double m = 0;
  for (double v : t.to_vector()) m = std::max(m, std::fabs(v));
  return m;
}

// Worst scaled error |a − b| / max|b| per fixture label, printed when the program ends.
class ParityLog {
 public:
  static ParityLog& get() {
    static ParityLog log;
    return log;
  }
  void record(const std::string& label, const std::string& tensor, double scaled) {
    auto& [worst, name] = worst_[label];
    if (scaled >= worst) {
      worst = scaled;
      name = tensor;
    }
  }
  ~ParityLog() {
    for (const auto& [label, w] : worst_)
      std::printf("parity %-28s worst |a-b|/max|b| = %.3g (%s)\n", label.c_str(), w.first,
                  w.second.c_str());
    std::fflush(stdout);
  }

 private:
  std::map<std::string, std::pair<double, std::string>> worst_;
};

// |a − b| ≤ rtol·(max|b| + |b|) elementwise: rtol relative to each element with a floor of
// rtol relative to the tensor's scale, for elements that cancel to near zero.
inline Closeness check_parity(const std::string& label, const std::string& tensor,
                              const Tensor& ours, const Tensor& ref, double rtol) {
  const double scale = max_abs(ref);
  Closeness c = compare(ours, ref, rtol * scale, rtol);
  ParityLog::get().record(label, tensor, scale > 0 ? c.max_abs / scale : c.max_abs);
  return c;
}

}  // namespace uflow::test

#define CHECK_PARITY(label, tensor, ours, ref, rtol)                                 \
  do {                                                                               \
    auto c_ = ::uflow::test::check_parity((label), (tensor), (ours), (ref), (rtol)); \
    INFO((label), " ", (tensor), ": max abs ", c_.max_abs, ", max rel ", c_.max_rel, \
         "; worst: ", c_.worst);                                                     \
    CHECK(c_.ok);                                                                    \
  } while (0)
