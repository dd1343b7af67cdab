// CPU vs CUDA for cat, split, stack, pad2d, pixel (un)shuffle and interpolate (every mode):
// outputs and input gradients, in f32 and f64, on random inputs. Skipped without a GPU.
#include <functional>

#include "cuda_parity_util.h"

using namespace uflow;

namespace {

void check_parity(const test::ParityFn& f, const std::vector<Tensor>& inputs, double tol) {
  test::check_cuda_parity(f, inputs, tol, tol);
}

using Fn = test::ParityFn;
using test::random_input;

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
        {random_input({2, 5, 7}, 1, dt), random_input({2, 7, 3}, 2, dt),
         random_input({2, 1, 7}, 3, dt)},
        tol_for(dt));
    check_parity(
        [](const std::vector<Tensor>& in) {
          std::vector<Tensor> p = split(in[0], {3, 1, 4}, -1);
          return stack({p[2], narrow(in[1], 1, 0, 4)}, 0);
        },
        {random_input({3, 6, 8}, 4, dt), random_input({3, 5, 6}, 5, dt)}, tol_for(dt));
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
          {random_input({2, 3, 9, 7}, 6, dt)}, tol_for(dt));
    }
  for (DType dt : {DType::f32, DType::f64})
    for (int64_t r : {2, 3}) {
      CAPTURE(r);
      check_parity([r](const std::vector<Tensor>& in) { return pixel_shuffle(in[0], r); },
                   {random_input({2, 4 * r * r, 5, 3}, 7, dt)}, tol_for(dt));
      check_parity([r](const std::vector<Tensor>& in) { return pixel_unshuffle(in[0], r); },
                   {random_input({2, 3, 4 * r, 2 * r}, 8, dt)}, tol_for(dt));
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
            {random_input(s.in, 9, dt)}, tol_for(dt));
      }
}
