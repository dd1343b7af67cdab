// Shared by the NFA fixture tests: the fixture cases, their latents, and a comparison that
// accepts matching infinities and NaNs (the block NFA produces both, like its reference).
#pragma once
#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

#include "tensor/tensor.h"
#include "weights/hdf5_file.h"

namespace uflow::test {

inline const char* const kNfaCases[] = {"random",         "planted",   "plateau",
                                        "underdispersed", "nonsquare", "anomalib"};

inline H5File open_nfa_fixture(const std::string& name) {
  return H5File(std::string(UFLOW_FIXTURES_DIR) + "/nfa/" + name + ".h5", 'r');
}

inline std::vector<Tensor> fixture_latents(const H5File& f) {
  std::vector<Tensor> z;
  for (int s = 1; f.has("z" + std::to_string(s)); ++s)
    z.push_back(f.read_tensor("z" + std::to_string(s), DType::f32));
  return z;
}

struct MapCheck {
  bool ok = true;
  double max_abs = 0;
  std::string worst;
};

// |a − b| <= atol + rtol·|b| elementwise, b the reference; equal infinities and NaN against NaN
// match. Compares values in logical order, so (B, H, W) and (B, 1, H, W) line up.
inline MapCheck compare_maps(const Tensor& a, const Tensor& b, double atol, double rtol) {
  MapCheck c;
  const std::vector<double> va = a.to_vector(), vb = b.to_vector();
  if (va.size() != vb.size()) {
    c.ok = false;
    c.worst = "sizes " + std::to_string(va.size()) + " vs " + std::to_string(vb.size());
    return c;
  }
  double worst_excess = -1;
  for (size_t i = 0; i < va.size(); ++i) {
    if (std::isnan(vb[i]) && std::isnan(va[i])) continue;
    if (std::isinf(vb[i]) && va[i] == vb[i]) continue;
    const double d = std::fabs(va[i] - vb[i]);
    if (!std::isnan(d)) c.max_abs = std::max(c.max_abs, d);
    const double excess = std::isnan(d) ? 1e300 : d - (atol + rtol * std::fabs(vb[i]));
    if (excess > 0) {
      c.ok = false;
      if (excess > worst_excess) {
        worst_excess = excess;
        c.worst = "element " + std::to_string(i) + ": " + std::to_string(va[i]) + " vs reference " +
                  std::to_string(vb[i]);
      }
    }
  }
  return c;
}

}  // namespace uflow::test

#define CHECK_MAPS(what, a, b, atol, rtol)                                 \
  do {                                                                     \
    const auto c_ = ::uflow::test::compare_maps((a), (b), (atol), (rtol)); \
    INFO(what, ": max abs ", c_.max_abs, "; worst: ", c_.worst);           \
    CHECK(c_.ok);                                                          \
  } while (0)
