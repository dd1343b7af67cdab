// Shared by the CPU-vs-CUDA parity suites: run an op on CPU leaves and on CUDA copies, push the
// same random gradient back through both, and compare the output and every input gradient.
#pragma once
#include <functional>
#include <vector>

#include "test_util.h"

namespace uflow::test {

using ParityFn = std::function<Tensor(const std::vector<Tensor>&)>;

// A copy on the GPU / on the host.
inline Tensor gpu(const Tensor& t) {
  return kernels::to_device(t, Device::cuda);
}
inline Tensor host(const Tensor& t) {
  return kernels::to_device(t, Device::cpu);
}

inline Tensor random_input(const Shape& s, uint64_t seed, DType dt) {
  return kernels::rand_uniform(s, seed, 0, -1.0, 1.0, dt);
}

inline Tensor parity_leaf(const Tensor& t) {
  Tensor l = detach(t);
  l.set_requires_grad();
  return l;
}

inline void check_cuda_parity(const ParityFn& f, const std::vector<Tensor>& inputs, double atol,
                              double rtol) {
  std::vector<Tensor> cpu, gpu;
  for (const Tensor& t : inputs) {
    cpu.push_back(parity_leaf(t));
    gpu.push_back(parity_leaf(kernels::to_device(t, Device::cuda)));
  }
  Tensor yc = f(cpu), yg = f(gpu);
  REQUIRE(yg.is_cuda());
  CHECK_CLOSE(yg, yc, atol, rtol);
  Tensor g = kernels::rand_uniform(yc.shape(), 99, 0, -1.0, 1.0, yc.dtype());
  backward(yc, g);
  backward(yg, kernels::to_device(g, Device::cuda));
  for (size_t i = 0; i < inputs.size(); ++i) {
    CAPTURE(i);
    REQUIRE(gpu[i].grad().defined());
    CHECK(gpu[i].grad().is_cuda());
    CHECK_CLOSE(gpu[i].grad(), cpu[i].grad(), atol, rtol);
  }
}

}  // namespace uflow::test
