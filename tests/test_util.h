// Helpers shared by the test suites: tolerance comparison that names the worst element,
// gradcheck assertions, the GPU skip (gpu_skip.h), a scratch folder per test executable, whole
// files as text and the message of the uflow::Error an expression throws.
#pragma once
#include <doctest/doctest.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "autograd/gradcheck.h"
#include "autograd/ops.h"
#include "gpu_skip.h"

namespace uflow::test {

struct Closeness {
  bool ok = true;
  double max_abs = 0, max_rel = 0;
  std::string worst;
};

// |a - b| <= atol + rtol·|b| elementwise (b is the reference); reports the worst element.
inline Closeness compare(const Tensor& a, const Tensor& b, double atol, double rtol) {
  Closeness c;
  if (a.shape() != b.shape()) {
    c.ok = false;
    c.worst = "shape " + shape_str(a.shape()) + " vs reference " + shape_str(b.shape());
    return c;
  }
  const std::vector<double> va = a.to_vector(), vb = b.to_vector();
  double worst_excess = -1;
  for (size_t i = 0; i < va.size(); ++i) {
    const double d = std::fabs(va[i] - vb[i]);
    const double lim = atol + rtol * std::fabs(vb[i]);
    c.max_abs = std::max(c.max_abs, d);
    if (std::fabs(vb[i]) > 0) c.max_rel = std::max(c.max_rel, d / std::fabs(vb[i]));
    const bool bad = !(d <= lim);  // NaN fails
    if (bad) c.ok = false;
    if (bad && (d - lim > worst_excess || std::isnan(d))) {
      worst_excess = std::isnan(d) ? 1e300 : d - lim;
      c.worst = detail::concat("element ", i, ": ", va[i], " vs reference ", vb[i]);
    }
  }
  return c;
}

// A fresh folder under the system temp directory, named after the tag and the process (so that
// test runs of several checkouts on one machine never share files), removed when the object
// goes away.
class ScratchDir {
 public:
  explicit ScratchDir(const std::string& tag)
      : dir_(std::filesystem::temp_directory_path() /
             ("uflow-" + tag + "-" + std::to_string(::getpid()))) {
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::filesystem::path& path() const { return dir_; }
  std::string file(const std::string& name) const { return (dir_ / name).string(); }

 private:
  std::filesystem::path dir_;
};

inline void write_text(const std::string& path, const std::string& text) {
  std::ofstream(path) << text;
}

inline std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// The what() of the uflow::Error thrown by fn, or "<no error>".
template <typename Fn>
std::string error_of(Fn&& fn) {
  try {
    fn();
  } catch (const Error& e) {
    return e.what();
  }
  return "<no error>";
}

}  // namespace uflow::test

#define CHECK_CLOSE(a, b, atol, rtol)                                              \
  do {                                                                             \
    auto c_ = ::uflow::test::compare((a), (b), (atol), (rtol));                    \
    INFO("max abs ", c_.max_abs, ", max rel ", c_.max_rel, "; worst: ", c_.worst); \
    CHECK(c_.ok);                                                                  \
  } while (0)

#define CHECK_GRADCHECK(fn, inputs)                                  \
  do {                                                               \
    auto r_ = ::uflow::gradcheck((fn), (inputs));                    \
    INFO("max abs error ", r_.max_abs_error, "; worst: ", r_.worst); \
    CHECK(r_.ok);                                                    \
  } while (0)
