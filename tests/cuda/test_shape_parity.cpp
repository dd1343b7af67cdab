// CPU vs CUDA for cat, split, stack, pad2d, pixel (un)shuffle and interpolate (every mode):
// outputs and input gradients, in f32 and f64, on random inputs. Skipped without a GPU.
#include <functional>

#include "test_util.h"

using namespace uflow;

namespace {

using Fn = std::function<Tensor(const std::vector<Tensor>&)>;

Tensor rand(const Shape& s, uint64_t seed, DType dt) {
  return kernels::rand_uniform(s, seed, 0, -1.0, 1.0, dt);
}

Tensor leaf(const Tensor& t) {
  Tensor l = detach(t);
  l.set_requires_grad();
  return l;
}

// Runs f on CPU leaves and on CUDA copies, back-propagates the same random gradient through
// both and compares the output and every input gradient.
void check_parity(const Fn& f, const std::vector<Tensor>& inputs, double tol) {
  std::vector<Tensor> cpu, gpu;
  for (const Tensor& t : inputs) {
    cpu.push_back(leaf(t));
    gpu.push_back(leaf(kernels::to_device(t, Device::cuda)));
  }
  Tensor yc = f(cpu), yg = f(gpu);
  REQUIRE(yg.is_cuda());
  CHECK_CLOSE(yg, yc, tol, tol);
  Tensor g = kernels::rand_uniform(yc.shape(), 99, 0, -1.0, 1.0, yc.dtype());
  backward(yc, g);
  backward(yg, kernels::to_device(g, Device::cuda));
  for (size_t i = 0; i < inputs.size(); ++i) {
    CAPTURE(i);
    REQUIRE(gpu[i].grad().defined());
    CHECK(gpu[i].grad().is_cuda());
    CHECK_CLOSE(gpu[i].grad(), cpu[i].grad(), tol, tol);
  }
}

double tol_for(DType dt) {
  return dt == DType::f32 ? 1e-5 : 1e-12;
}

}  // namespace

TEST_CASE("CUDA cat, split and stack match the CPU") {
  UFLOW_REQUIRE_CUDA_OR_SKIP();
  for (DType dt : {DType::f32, DType::f64}) {
    check_parity(
        [](const std::vector<Tensor>& in) {
          return cat({in[0], transpose(in[1], 1, 2), in[2]}, 1);  // one strided input
        },
        {rand({2, 5, 7}, 1, dt), rand({2, 7, 3}, 2, dt), rand({2, 1, 7}, 3, dt)}, tol_for(dt));
    check_parity(
        [](const std::vector<Tensor>& in) {
          std::vector<Tensor> p = split(in[0], {3, 1, 4}, -1);
          return stack({p[2], narrow(in[1], 1, 0, 4)}, 0);
        },
        {rand({3, 6, 8}, 4, dt), rand({3, 5, 6}, 5, dt)}, tol_for(dt));
  }
}

TEST_CASE("CUDA pad2d and pixel (un)shuffle match the CPU") {
  UFLOW_REQUIRE_CUDA_OR_SKIP();
  for (DType dt : {DType::f32, DType::f64})
    for (PadMode mode : {PadMode::zero, PadMode::reflect}) {
      CAPTURE(static_cast<int>(mode));
      check_parity(
          [mode](const std::vector<Tensor>& in) {
            return pad2d(transpose(in[0], 2, 3), 3, 1, 2, 4, mode);
          },
          {rand({2, 3, 9, 7}, 6, dt)}, tol_for(dt));
    }
  for (DType dt : {DType::f32, DType::f64})
    for (int64_t r : {2, 3}) {
      CAPTURE(r);
      check_parity([r](const std::vector<Tensor>& in) { return pixel_shuffle(in[0], r); },
                   {rand({2, 4 * r * r, 5, 3}, 7, dt)}, tol_for(dt));
      check_parity([r](const std::vector<Tensor>& in) { return pixel_unshuffle(in[0], r); },
                   {rand({2, 3, 4 * r, 2 * r}, 8, dt)}, tol_for(dt));
    }
}

TEST_CASE("CUDA interpolate matches the CPU for every mode") {
  UFLOW_REQUIRE_CUDA_OR_SKIP();
  struct Mode {
    InterpMode mode;
    bool align_corners, antialias;
  };
  const std::vector<Mode> modes = {
      {InterpMode::bilinear, false, false}, {InterpMode::bilinear, true, false},
      {InterpMode::bicubic, false, false},  {InterpMode::bicubic, true, false},
      {InterpMode::bilinear, false, true},  {InterpMode::bilinear, true, true}};
  struct Size {
    Shape in;
    int64_t oh, ow;
  };
  // Up, down (including the 700 -> 448 pre-processing shrink) and mixed.
  const std::vector<Size> sizes = {
      {{2, 3, 7, 9}, 16, 20}, {{1, 3, 70, 700}, 45, 448}, {{2, 2, 11, 6}, 5, 13}};
  for (DType dt : {DType::f32, DType::f64})
    for (const Mode& m : modes)
      for (const Size& s : sizes) {
        CAPTURE(static_cast<int>(m.mode));
        CAPTURE(m.align_corners);
        CAPTURE(m.antialias);
        CAPTURE(shape_str(s.in));
        check_parity(
            [&](const std::vector<Tensor>& in) {
              return interpolate(in[0], s.oh, s.ow, m.mode, m.align_corners, m.antialias);
            },
            {rand(s.in, 9, dt)}, tol_for(dt));
      }
}
