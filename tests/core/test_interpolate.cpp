// Bilinear, bicubic and antialiased bilinear resizing against values computed by PyTorch
// (tests/core/interpolate_reference.h, written by tools/reference/interpolate_reference.py):
// outputs and input gradients, in f32 and f64. Plus float64 gradient checks for every mode.
#include <cmath>

#include "core/interpolate_reference.h"
#include "core/nn_test_util.h"
#include "test_util.h"

using namespace uflow;
using test::InterpReference;
using test::leaf;

namespace {

Tensor reference_input(const InterpReference& r) {
  std::vector<double> v(shape_numel(r.in_shape));
  for (size_t i = 0; i < v.size(); ++i) {
    const double fi = static_cast<double>(i);
    v[i] = r.a == 0 ? fi : std::sin(r.a * fi + r.b);
  }
  return Tensor::from_vector(v, r.in_shape, r.dtype);
}

// The stored elements (all, or those at the sample indices) of t.
Tensor pick(const Tensor& t, const std::vector<int64_t>& sample) {
  const std::vector<double> v = t.to_vector();
  if (sample.empty()) return Tensor::from_vector(v, {t.numel()}, DType::f64);
  std::vector<double> out;
  for (int64_t i : sample) out.push_back(v.at(i));
  return Tensor::from_vector(out, {static_cast<int64_t>(out.size())}, DType::f64);
}

double total(const Tensor& t) {
  double s = 0;
  for (double v : t.to_vector()) s += v;
  return s;
}

Tensor as_f64(const std::vector<double>& v) {
  return Tensor::from_vector(v, {static_cast<int64_t>(v.size())}, DType::f64);
}

}  // namespace

TEST_CASE("interpolate matches PyTorch: outputs and gradients of every mode") {
  for (const InterpReference& r : test::k_interp_references) {
    const std::string name = r.name;
    CAPTURE(name);
    const bool f32 = r.dtype == DType::f32;
    // f32: PyTorch and uflow both accumulate in float, possibly in a different order.
    const double atol = f32 ? 2e-6 : 1e-13, rtol = f32 ? 2e-6 : 1e-13;
    Tensor x = leaf(reference_input(r));
    Tensor y = interpolate(x, r.out_h, r.out_w, r.mode, r.align_corners, r.antialias);
    Shape expected_shape = r.in_shape;
    expected_shape[2] = r.out_h;
    expected_shape[3] = r.out_w;
    REQUIRE(y.shape() == expected_shape);
    CHECK(y.dtype() == r.dtype);
    CHECK_CLOSE(pick(y, r.sample), as_f64(r.out), atol, rtol);
    CHECK(total(y) == doctest::Approx(r.out_sum).epsilon(f32 ? 1e-6 : 1e-12));

    backward(y, test::cos_seq(y.shape(), 0.37, 1.0, r.dtype));
    REQUIRE(x.grad().defined());
    CHECK_CLOSE(pick(x.grad(), r.grad_sample), as_f64(r.grad), 4 * atol, rtol);
    CHECK(total(x.grad()) == doctest::Approx(r.grad_sum).epsilon(f32 ? 1e-5 : 1e-12));
  }
}

TEST_CASE("interpolate reads strided inputs and keeps leading dims") {
  // A transposed view must give the same result as its contiguous copy.
  Tensor base = test::seq({1, 2, 5, 4}, 0.3, 0.1, DType::f32);
  Tensor view = kernels::transpose(base, 2, 3);  // (1, 2, 4, 5), not contiguous
  REQUIRE_FALSE(view.is_contiguous());
  for (InterpMode mode : {InterpMode::bilinear, InterpMode::bicubic})
    for (bool ac : {false, true}) {
      CAPTURE(ac);
      Tensor a = kernels::interpolate(view, 6, 3, mode, ac);
      Tensor b = kernels::interpolate(kernels::contiguous(view), 6, 3, mode, ac);
      CHECK_CLOSE(a, b, 0.0, 0.0);
    }
  // A 3-d (C, H, W) input is resized plane by plane like its 4-d (1, C, H, W) form.
  Tensor chw = kernels::reshape(base, {2, 5, 4});
  Tensor y3 = kernels::interpolate(chw, 3, 7, InterpMode::bilinear, false, true);
  Tensor y4 = kernels::interpolate(base, 3, 7, InterpMode::bilinear, false, true);
  CHECK(y3.shape() == Shape{2, 3, 7});
  CHECK_CLOSE(kernels::reshape(y3, {1, 2, 3, 7}), y4, 0.0, 0.0);
}

TEST_CASE("interpolate rejects invalid arguments") {
  Tensor x = kernels::zeros({1, 1, 4, 4});
  CHECK_THROWS_AS(kernels::interpolate(x, 0, 3, InterpMode::bilinear, false), Error);
  CHECK_THROWS_AS(kernels::interpolate(x, 2, 2, InterpMode::bicubic, false, true), Error);
  CHECK_THROWS_AS(kernels::interpolate(kernels::zeros({4}), 2, 2, InterpMode::bilinear, false),
                  Error);
}

TEST_CASE("interpolate gradcheck (f64) for every mode, up and down") {
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
  // Up in both dims, down in both (the antialias filter widens), and mixed.
  const std::vector<Size> sizes = {
      {{1, 2, 2, 3}, 4, 5}, {{1, 1, 6, 7}, 3, 2}, {{2, 1, 3, 5}, 5, 2}};
  for (const Mode& m : modes)
    for (const Size& s : sizes) {
      CAPTURE(static_cast<int>(m.mode));
      CAPTURE(m.align_corners);
      CAPTURE(m.antialias);
      CAPTURE(shape_str(s.in));
      auto f = [&](const std::vector<Tensor>& in) {
        return interpolate(in[0], s.oh, s.ow, m.mode, m.align_corners, m.antialias);
      };
      CHECK_GRADCHECK(f, std::vector<Tensor>{leaf(test::seq(s.in, 0.9, 0.2))});
    }
  // Through a non-contiguous view of the leaf.
  auto g = [](const std::vector<Tensor>& in) {
    return interpolate(transpose(in[0], 2, 3), 4, 3, InterpMode::bicubic, false);
  };
  CHECK_GRADCHECK(g, std::vector<Tensor>{leaf(test::seq({1, 1, 3, 2}, 0.8, 0.1))});
}
