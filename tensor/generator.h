// A seeded stream of random numbers for reproducible initialisation and sampling. It hands
// out disjoint ranges of the counter-based RNG (kernels::rand_uniform / rand_normal), so the
// same seed gives the same tensors on every device and every run.
#pragma once
#include <cstdint>

#include "tensor/ops.h"

namespace uflow {

class Generator {
 public:
  explicit Generator(uint64_t seed = 0) : seed_(seed) {}
  void manual_seed(uint64_t seed) {
    seed_ = seed;
    offset_ = 0;
  }
  uint64_t seed() const { return seed_; }
  uint64_t offset() const { return offset_; }
  void set_offset(uint64_t offset) { offset_ = offset; }
  // Reserves n counters and returns the first.
  uint64_t next_offset(uint64_t n) {
    const uint64_t o = offset_;
    offset_ += n;
    return o;
  }

  Tensor uniform(const Shape& shape, double lo, double hi, DType dtype = DType::f32,
                 Device device = Device::cpu) {
    return kernels::rand_uniform(shape, seed_, next_offset(shape_numel(shape)), lo, hi, dtype,
                                 device);
  }
  Tensor normal(const Shape& shape, double mean, double std, DType dtype = DType::f32,
                Device device = Device::cpu) {
    return kernels::rand_normal(shape, seed_, next_offset(shape_numel(shape)), mean, std, dtype,
                                device);
  }

 private:
  uint64_t seed_;
  uint64_t offset_ = 0;
};

}  // namespace uflow
