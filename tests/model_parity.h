// Model-level parity: the same model (same seed, same parameter values) run on two sides, a
// "device under test" and a reference, each a (device, dtype) pair; every output and gradient
// is compared and collected in a report. tests/cuda runs the cases CUDA against CPU; the CPU
// suites run the very same case functions CPU f32 against CPU f64 (and once with a perturbed
// parameter, which must fail), so a bug in a case or in the comparison shows up on machines
// without a GPU.
#pragma once
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "layers/module.h"
#include "test_util.h"

namespace uflow::test {

struct ParitySide {
  Device device = Device::cpu;
  DType dtype = DType::f32;
};
inline std::string side_name(const ParitySide& s) {
  return std::string(device_name(s.device)) + " " + dtype_name(s.dtype);
}

// The results of one case: one entry per compared tensor.
class ParityReport {
 public:
  // |dut − ref| ≤ rtol·(scale + |ref|) elementwise, both read as f64 on the host, with scale
  // = max|ref|, or scale_floor when larger (for tensors that are zero in exact arithmetic,
  // such as the gradient of a bias that a softmax cancels: the floor is then the size of the
  // related quantities, e.g. the largest gradient of the model).
  void compare(const std::string& name, const Tensor& dut, const Tensor& ref, double rtol,
               double scale_floor = 0) {
    REQUIRE(dut.defined());
    REQUIRE(ref.defined());
    double scale = 0;
    for (double v : ref.to_vector()) scale = std::max(scale, std::fabs(v));
    scale = std::max(scale, scale_floor);
    Entry e{name, test::compare(dut, ref, rtol * scale, rtol), scale};
    worst_ = std::max(worst_, scale > 0 ? e.c.max_abs / scale : e.c.max_abs);
    entries_.push_back(std::move(e));
  }
  // Records an expectation that is not a tensor comparison (a shape, a device).
  void expect(const std::string& name, bool ok) {
    Closeness c;
    c.ok = ok;
    if (!ok) c.worst = "expectation failed";
    entries_.push_back({name, c, 0});
  }
  bool ok() const {
    for (const Entry& e : entries_)
      if (!e.c.ok) return false;
    return !entries_.empty();
  }
  size_t size() const { return entries_.size(); }
  double worst_scaled_error() const { return worst_; }
  // One line per failing entry (or "all N entries within tolerance").
  std::string text() const {
    std::string out;
    for (const Entry& e : entries_)
      if (!e.c.ok)
        out += detail::concat(e.name, ": max abs ", e.c.max_abs, " (scale ", e.scale, "); ",
                              e.c.worst, "\n");
    if (out.empty())
      out = detail::concat("all ", entries_.size(),
                           " entries within tolerance; worst |a-b|/max|b| ", worst_, "\n");
    return out;
  }

 private:
  struct Entry {
    std::string name;
    Closeness c;
    double scale;
  };
  std::vector<Entry> entries_;
  double worst_ = 0;
};

// A deterministic value in [-1, 1) per (seed, name, index): both sides of a case set the same
// parameter values whatever their device and dtype.
inline uint64_t name_seed(uint64_t seed, const std::string& name) {
  uint64_t h = 1469598103934665603ull ^ seed;
  for (unsigned char c : name) h = (h ^ c) * 1099511628211ull;
  return h;
}

// Gives every parameter values that make each part of the model matter (the defaults leave
// layer scales at 1e-5 and zero biases): matrices and kernels U(−1, 1)/√fan_in, LayerNorm
// weights 1 + U(−0.2, 0.2), everything else (biases, layer scales, global affine terms) its
// value + U(−0.2, 0.2). Drawn in f64 on the CPU, then converted to the module's dtype/device.
inline void randomize_parameters(Module& m, uint64_t seed) {
  for (const auto& [name, p] : m.named_parameters()) {
    const Tensor u =
        kernels::rand_uniform(p.shape(), name_seed(seed, name), 0, -1.0, 1.0, DType::f64);
    const bool global = name.find("global") != std::string::npos;
    Tensor v;
    if (p.dim() >= 2 && !global) {
      const double fan_in = static_cast<double>(p.numel() / p.size(0));
      v = kernels::affine_scalar(u, 1.0 / std::sqrt(fan_in), 0.0);
    } else if (name.size() >= 6 && name.compare(name.size() - 6, 6, "weight") == 0) {
      v = kernels::affine_scalar(u, 0.2, 1.0);
    } else {
      const Tensor current = kernels::to_dtype(kernels::to_device(p, Device::cpu), DType::f64);
      v = kernels::binary(BinaryOp::add, current, kernels::affine_scalar(u, 0.2, 0.0));
    }
    m.set_parameter(name, v);
  }
}

// Multiplies every parameter by (1 + relative): the negative control of the CPU runs.
inline void perturb_parameters(Module& m, double relative) {
  for (const auto& [name, p] : m.named_parameters())
    m.set_parameter(name, kernels::affine_scalar(p, 1.0 + relative, 0.0));
}

// A tensor drawn in f64 on the CPU (Philox: the same numbers everywhere), moved to a side.
inline Tensor side_input(const Shape& shape, uint64_t seed, const ParitySide& s, double lo = -1.0,
                         double hi = 1.0) {
  return kernels::to_device(
      kernels::to_dtype(kernels::rand_uniform(shape, seed, 0, lo, hi, DType::f64), s.dtype),
      s.device);
}

inline Tensor side_leaf(const Shape& shape, uint64_t seed, const ParitySide& s) {
  Tensor t = side_input(shape, seed, s);
  t.set_requires_grad(true);
  return t;
}

}  // namespace uflow::test

// Asserts a report and prints its summary (worst error, failing entries).
#define CHECK_PARITY_REPORT(report) \
  do {                              \
    const auto& r_ = (report);      \
    MESSAGE(r_.text());             \
    CHECK(r_.size() > 0);           \
    CHECK(r_.ok());                 \
  } while (0)
