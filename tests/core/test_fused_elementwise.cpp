// The fused row-broadcast ops bias_gelu (gelu(u + b)) and scaled_residual (x + gamma ⊙ y), and
// the bias-accumulating GEMM matmul_bias behind linear: values against the unfused composition
// of existing ops and against the C++ standard library, float64 gradient checks with respect
// to every input (broadcast vector, views), and their argument errors.
#include <cmath>
#include <vector>

#include "test_util.h"

using namespace uflow;
using uflow::test::error_of;

namespace {

Tensor rand(const Shape& s, uint64_t seed, DType dt, double lo = -3.0, double hi = 3.0) {
  return kernels::rand_uniform(s, seed, 0, lo, hi, dt);
}

Tensor leaf(const Shape& s, uint64_t seed, double lo = -2.0, double hi = 2.0) {
  Tensor t = rand(s, seed, DType::f64, lo, hi);
  t.set_requires_grad(true);
  return t;
}

// Largest |a - b| over all elements (shapes must match).
double max_abs_diff(const Tensor& a, const Tensor& b) {
  REQUIRE(a.shape() == b.shape());
  const std::vector<double> va = a.to_vector(), vb = b.to_vector();
  double m = 0;
  for (size_t i = 0; i < va.size(); ++i) m = std::max(m, std::fabs(va[i] - vb[i]));
  return m;
}

// Operand shapes: a single row, a batch of token rows with an odd width (vector loop tails), and
// one large enough for the parallel path (more than 2^15 elements).
const std::vector<Shape> kShapes{{7}, {2, 5, 37}, {4, 50, 192}};

}  // namespace

// The fused kernels evaluate the very same expressions as the unfused ops (u + b rounded to the
// dtype, then the GELU of tensor/elementwise_math.h; gamma·y rounded, then the add), and the
// CPU code is never contracted into FMAs (-ffp-contract=off), so the results are bit-identical
// in float32 and float64 alike: the tolerance is zero, not an ulp.
TEST_CASE("bias_gelu and scaled_residual equal the unfused ops bit for bit on the CPU") {
  for (DType dt : {DType::f32, DType::f64}) {
    for (const Shape& s : kShapes) {
      INFO("dtype ", std::string(dtype_name(dt)), ", shape ", shape_str(s));
      const Shape vs{s.back()};
      const Tensor u = rand(s, 1, dt), b = rand(vs, 2, dt), g = rand(s, 3, dt);
      const Tensor pre = kernels::binary(BinaryOp::add, u, b);
      CHECK(max_abs_diff(kernels::bias_gelu(u, b), kernels::unary(UnaryOp::gelu, pre)) == 0.0);
      CHECK(max_abs_diff(kernels::bias_gelu_backward(u, b, g),
                         kernels::unary_backward(UnaryOp::gelu, pre, Tensor(), g)) == 0.0);

      const Tensor x = rand(s, 4, dt), gamma = rand(vs, 5, dt, -0.5, 0.5), y = rand(s, 6, dt);
      const Tensor unfused =
          kernels::binary(BinaryOp::add, x, kernels::binary(BinaryOp::mul, gamma, y));
      CHECK(max_abs_diff(kernels::scaled_residual(x, gamma, y), unfused) == 0.0);
    }
  }
}

TEST_CASE("bias_gelu matches the exact GELU of the C++ library in float64") {
  const std::vector<double> us{-7.5, -3.0, -1.25, -0.5, -1e-3, 0.0, 2e-3, 0.3, 1.0, 2.5, 6.0, 9.0};
  const Tensor u = Tensor::from_vector(us, {3, 4}, DType::f64);
  const Tensor b = Tensor::from_vector({0.25, -0.125, 0.0, 1.5}, {4}, DType::f64);
  std::vector<double> expect;
  for (size_t i = 0; i < us.size(); ++i) {
    const double x = us[i] + b.to_vector()[i % 4];
    expect.push_back(0.5 * x * std::erfc(-x / std::sqrt(2.0)));
  }
  CHECK_CLOSE(kernels::bias_gelu(u, b), Tensor::from_vector(expect, {3, 4}, DType::f64), 1e-15,
              1e-14);
}

TEST_CASE("bias_gelu and scaled_residual accept views and give the views' values") {
  // A transposed u / x / y: the ops read through the strides (a contiguous copy).
  const Tensor base = rand({6, 5}, 7, DType::f64), other = rand({6, 5}, 8, DType::f64);
  const Tensor v = rand({6}, 9, DType::f64);
  const Tensor ut = kernels::transpose(base, 0, 1), yt = kernels::transpose(other, 0, 1);
  REQUIRE_FALSE(ut.is_contiguous());
  CHECK(max_abs_diff(kernels::bias_gelu(ut, v),
                     kernels::unary(UnaryOp::gelu, kernels::binary(BinaryOp::add, ut, v))) == 0.0);
  CHECK(max_abs_diff(kernels::scaled_residual(ut, v, yt),
                     kernels::binary(BinaryOp::add, ut, kernels::binary(BinaryOp::mul, v, yt))) ==
        0.0);
}

TEST_CASE("gradcheck: bias_gelu with respect to u and b") {
  for (const Shape& s : {Shape{5}, Shape{2, 3, 4}}) {
    INFO("shape ", shape_str(s));
    CHECK_GRADCHECK([](const std::vector<Tensor>& in) { return bias_gelu(in[0], in[1]); },
                    (std::vector<Tensor>{leaf(s, 10), leaf({s.back()}, 11)}));
  }
  // A transposed view as u.
  CHECK_GRADCHECK(
      [](const std::vector<Tensor>& in) { return bias_gelu(transpose(in[0], 0, 1), in[1]); },
      (std::vector<Tensor>{leaf({4, 3}, 12), leaf({4}, 13)}));
  // Only one input needing a gradient.
  Tensor b_fixed = rand({4}, 14, DType::f64);
  CHECK_GRADCHECK([&](const std::vector<Tensor>& in) { return bias_gelu(in[0], b_fixed); },
                  std::vector<Tensor>{leaf({3, 4}, 15)});
}

TEST_CASE("gradcheck: scaled_residual with respect to x, gamma and y") {
  for (const Shape& s : {Shape{5}, Shape{2, 3, 4}}) {
    INFO("shape ", shape_str(s));
    CHECK_GRADCHECK(
        [](const std::vector<Tensor>& in) { return scaled_residual(in[0], in[1], in[2]); },
        (std::vector<Tensor>{leaf(s, 20), leaf({s.back()}, 21), leaf(s, 22)}));
  }
  CHECK_GRADCHECK(
      [](const std::vector<Tensor>& in) {
        return scaled_residual(in[0], in[1], transpose(in[2], 0, 1));
      },
      (std::vector<Tensor>{leaf({3, 4}, 23), leaf({4}, 24), leaf({4, 3}, 25)}));
}

TEST_CASE("the fused ops' gradients equal those of the unfused composition") {
  const Shape s{3, 5, 8};
  Tensor u1 = leaf(s, 30), b1 = leaf({8}, 31), u2 = leaf(s, 30), b2 = leaf({8}, 31);
  const Tensor g = rand(s, 32, DType::f64);
  backward(bias_gelu(u1, b1), g);
  backward(gelu(u2 + b2), g);
  CHECK_CLOSE(u1.grad(), u2.grad(), 0.0, 0.0);
  CHECK_CLOSE(b1.grad(), b2.grad(), 1e-14, 1e-14);  // summation order may differ

  Tensor x1 = leaf(s, 33), c1 = leaf({8}, 34), y1 = leaf(s, 35);
  Tensor x2 = leaf(s, 33), c2 = leaf({8}, 34), y2 = leaf(s, 35);
  backward(scaled_residual(x1, c1, y1), g);
  backward(x2 + c2 * y2, g);
  CHECK_CLOSE(x1.grad(), x2.grad(), 0.0, 0.0);
  CHECK_CLOSE(y1.grad(), y2.grad(), 0.0, 0.0);
  CHECK_CLOSE(c1.grad(), c2.grad(), 1e-14, 1e-14);
}

TEST_CASE("bias_gelu and scaled_residual reject a vector that does not fit the last dim") {
  const Tensor u = kernels::zeros({2, 4}), y = kernels::zeros({2, 4});
  CHECK(error_of([&] { kernels::bias_gelu(u, kernels::zeros({3})); }) ==
        "bias_gelu: bias must be [4] for operands [2, 4], got [3]");
  CHECK(error_of([&] {
          kernels::scaled_residual(u, kernels::zeros({2, 4}), y);
        }) == "scaled_residual: gamma must be [4] for operands [2, 4], got [2, 4]");
  CHECK(error_of([&] { kernels::scaled_residual(u, kernels::zeros({4}), kernels::zeros({4})); }) ==
        "scaled_residual: operands [2, 4] and [4] differ");
  CHECK(error_of([&] {
          kernels::bias_gelu(u, kernels::zeros({4}, DType::f64));
        }).find("bias_gelu: inputs differ in dtype") == 0);
}

TEST_CASE("matmul_bias equals the product plus the broadcast bias") {
  // Not bit for bit: BLAS adds the bias before the blocks of the k sum rather than after them.
  for (DType dt : {DType::f32, DType::f64}) {
    INFO("dtype ", std::string(dtype_name(dt)));
    const double tol = dt == DType::f32 ? 1e-5 : 1e-13;
    const Tensor a = rand({7, 300}, 40, dt, -1, 1), w = rand({9, 300}, 41, dt, -1, 1);
    const Tensor bias = rand({9}, 42, dt);
    CHECK_CLOSE(kernels::matmul_bias(a, w, bias, false, true),
                kernels::binary(BinaryOp::add, kernels::matmul(a, w, false, true), bias), tol, tol);
    // Batched (2, 7, 300) · (300, 9), and an empty inner dimension (the bias alone).
    const Tensor a3 = rand({2, 7, 300}, 43, dt, -1, 1);
    const Tensor wt = kernels::contiguous(kernels::transpose(w, 0, 1));
    CHECK_CLOSE(kernels::matmul_bias(a3, wt, bias),
                kernels::binary(BinaryOp::add, kernels::matmul(a3, wt), bias), tol, tol);
    const Tensor e =
        kernels::matmul_bias(kernels::zeros({3, 0}, dt), kernels::zeros({0, 9}, dt), bias);
    CHECK_CLOSE(e, kernels::expand(bias, {3, 9}), 0.0, 0.0);
  }
  CHECK(error_of([] {
          kernels::matmul_bias(kernels::zeros({2, 3}), kernels::zeros({3, 4}), kernels::zeros({3}));
        }) == "matmul_bias: bias must be [4] for a product of 4 columns, got [3]");
}
