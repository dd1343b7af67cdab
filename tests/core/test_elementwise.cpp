// Element-wise ops: values against the C++ standard library, broadcasting, NaN handling, and a
// float64 gradient check of every differentiable op (broadcast and non-contiguous inputs too).
#include <cmath>
#include <functional>
#include <limits>

#include "test_util.h"

using namespace uflow;

namespace {

const std::vector<double> kSample{-3.5, -1.25, -0.5, -1e-3, 0.0, 2e-3, 0.3, 0.75, 1.0, 2.5, 7.0};
const std::vector<double> kPositive{1e-3, 0.1, 0.5, 1.0, 1.5, 3.0, 12.0, 250.0};

double gelu_ref(double x) {
  return 0.5 * x * (1.0 + std::erf(x / std::sqrt(2.0)));
}

// Checks op(x) element by element against ref, for both dtypes.
void check_unary(UnaryOp op, const std::vector<double>& xs,
                 const std::function<double(double)>& ref) {
  for (DType dt : {DType::f32, DType::f64}) {
    INFO("dtype ", std::string(dtype_name(dt)));
    Tensor x = Tensor::from_vector(xs, {static_cast<int64_t>(xs.size())}, dt);
    // The reference sees the input as stored (f32 inputs are rounded first).
    std::vector<double> expect;
    for (double v : x.to_vector()) expect.push_back(ref(v));
    const double tol = dt == DType::f32 ? 2e-6 : 1e-14;
    CHECK_CLOSE(kernels::unary(op, x), Tensor::from_vector(expect, x.shape(), DType::f64), tol,
                tol);
  }
}

Tensor leaf(const Shape& s, uint64_t seed, double lo = -1.0, double hi = 1.0) {
  Tensor t = kernels::rand_uniform(s, seed, 0, lo, hi, DType::f64);
  t.set_requires_grad(true);
  return t;
}

// A non-contiguous leaf: every other column of a larger buffer, with a non-zero offset.
Tensor strided_leaf(int64_t rows, int64_t cols, uint64_t seed, double lo = -1.0, double hi = 1.0) {
  Tensor buf = kernels::rand_uniform({rows, 2 * cols + 1}, seed, 0, lo, hi, DType::f64);
  Tensor t = Tensor::view_of(buf, {rows, cols}, {2 * cols + 1, 2}, 1);
  t.set_requires_grad(true);
  REQUIRE_FALSE(t.is_contiguous());
  return t;
}

using Fn1 = std::function<Tensor(const Tensor&)>;
using Fn2 = std::function<Tensor(const Tensor&, const Tensor&)>;

void gradcheck_unary(const Fn1& f, double lo, double hi) {
  CHECK_GRADCHECK([&](const std::vector<Tensor>& in) { return f(in[0]); },
                  std::vector<Tensor>{leaf({2, 3, 4}, 11, lo, hi)});
  CHECK_GRADCHECK([&](const std::vector<Tensor>& in) { return f(in[0]); },
                  std::vector<Tensor>{strided_leaf(3, 4, 12, lo, hi)});
  // A transposed view fed into the op.
  CHECK_GRADCHECK([&](const std::vector<Tensor>& in) { return f(transpose(in[0], 0, 1)); },
                  std::vector<Tensor>{leaf({4, 3}, 13, lo, hi)});
}

void gradcheck_binary(const Fn2& f, double lo, double hi) {
  const std::vector<std::pair<Shape, Shape>> shapes{
      {{3, 4}, {3, 4}}, {{2, 3, 4}, {3, 1}}, {{4}, {2, 1, 4}}, {{2, 1}, {1, 3}}, {{3, 2}, {}}};
  uint64_t seed = 100;
  // Named members, not a structured binding: the checks below capture them, which clang
  // (the sanitizer build, with OpenMP) does not support for structured bindings.
  for (const auto& sa_sb : shapes) {
    const auto& sa = sa_sb.first;
    const auto& sb = sa_sb.second;
    INFO("shapes ", shape_str(sa), " and ", shape_str(sb));
    CHECK_GRADCHECK([&](const std::vector<Tensor>& in) { return f(in[0], in[1]); },
                    (std::vector<Tensor>{leaf(sa, seed, lo, hi), leaf(sb, seed + 1, lo, hi)}));
    seed += 2;
  }
  // Non-contiguous operands: a strided view, and a transposed input broadcast against a row.
  CHECK_GRADCHECK([&](const std::vector<Tensor>& in) { return f(in[0], in[1]); },
                  (std::vector<Tensor>{strided_leaf(3, 4, 200, lo, hi), leaf({4}, 201, lo, hi)}));
  CHECK_GRADCHECK(
      [&](const std::vector<Tensor>& in) { return f(transpose(in[0], 0, 1), in[1]); },
      (std::vector<Tensor>{leaf({4, 3}, 202, lo, hi), strided_leaf(3, 4, 203, lo, hi)}));
}

}  // namespace

TEST_CASE("unary ops match the standard library") {
  check_unary(UnaryOp::neg, kSample, [](double x) { return -x; });
  check_unary(UnaryOp::abs, kSample, [](double x) { return std::fabs(x); });
  check_unary(UnaryOp::exp, kSample, [](double x) { return std::exp(x); });
  check_unary(UnaryOp::log, kPositive, [](double x) { return std::log(x); });
  check_unary(UnaryOp::log1p, {-0.75, -1e-3, 0.0, 1e-7, 0.3, 5.0},
              [](double x) { return std::log1p(x); });
  check_unary(UnaryOp::sqrt, kPositive, [](double x) { return std::sqrt(x); });
  check_unary(UnaryOp::rsqrt, kPositive, [](double x) { return 1.0 / std::sqrt(x); });
  check_unary(UnaryOp::square, kSample, [](double x) { return x * x; });
  check_unary(UnaryOp::tanh, kSample, [](double x) { return std::tanh(x); });
  check_unary(UnaryOp::atan, kSample, [](double x) { return std::atan(x); });
  check_unary(UnaryOp::sigmoid, kSample, [](double x) { return 1.0 / (1.0 + std::exp(-x)); });
  check_unary(UnaryOp::relu, kSample, [](double x) { return x > 0 ? x : 0.0; });
  check_unary(UnaryOp::gelu, kSample, gelu_ref);
  check_unary(UnaryOp::sign, kSample, [](double x) { return x > 0 ? 1.0 : (x < 0 ? -1.0 : 0.0); });
}

TEST_CASE("float32 exp, tanh, sigmoid and gelu of NaN and infinities") {
  // The float32 loops use branch-free vectorised exp (tensor/cpu/vector_math.h). A NaN must
  // come out NaN without undefined behaviour on the way (the sanitizer build checks), and
  // infinities give the functions' limits. 600 elements: the vectorised and parallel paths.
  const double inf = std::numeric_limits<double>::infinity();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const std::vector<double> in = {nan, inf, -inf, 0.0, 100.0, -100.0};
  struct Expect {
    UnaryOp op;
    std::vector<double> out;  // per input; sigmoid(-100) = 3.7e-44 is within tolerance of 0
  };
  const std::vector<Expect> cases = {
      {UnaryOp::exp, {nan, inf, 0.0, 1.0, inf, 0.0}},
      {UnaryOp::tanh, {nan, 1.0, -1.0, 0.0, 1.0, -1.0}},
      {UnaryOp::sigmoid, {nan, 1.0, 0.0, 0.5, 1.0, 0.0}},
      {UnaryOp::gelu, {nan, inf, nan, 0.0, 100.0, 0.0}},
  };
  std::vector<double> x;
  for (int rep = 0; rep < 100; ++rep) x.insert(x.end(), in.begin(), in.end());
  const Tensor t = Tensor::from_vector(x, {static_cast<int64_t>(x.size())}, DType::f32);
  for (const Expect& c : cases) {
    const std::vector<double> y = kernels::unary(c.op, t).to_vector();
    for (size_t i = 0; i < y.size(); ++i) {
      const double e = c.out[i % in.size()];
      CAPTURE(static_cast<int>(c.op));
      CAPTURE(x[i]);
      if (std::isnan(e) && c.op != UnaryOp::gelu) {
        CHECK(std::isnan(y[i]));
      } else if (std::isnan(e)) {
        // gelu(-inf) = -inf · Φ(-inf): PyTorch gives NaN or -0 depending on the kernel; only
        // NaN inputs must give NaN.
        if (std::isnan(x[i])) CHECK(std::isnan(y[i]));
      } else if (std::isinf(e)) {
        CHECK(y[i] == e);
      } else {
        CHECK(std::fabs(y[i] - e) <= 1e-6 * std::fabs(e) + 1e-30);
      }
    }
  }
}

TEST_CASE("log1p below -1 and log of negatives are NaN") {
  Tensor x = Tensor::from_vector({-2.0}, {1}, DType::f64);
  CHECK(std::isnan(kernels::unary(UnaryOp::log1p, x).item()));
  CHECK(std::isnan(kernels::unary(UnaryOp::log, x).item()));
}

TEST_CASE("softplus, pow, affine and clamp match closed forms") {
  for (DType dt : {DType::f32, DType::f64}) {
    INFO("dtype ", std::string(dtype_name(dt)));
    const double tol = dt == DType::f32 ? 2e-6 : 1e-14;
    Tensor x = Tensor::from_vector(kSample, {static_cast<int64_t>(kSample.size())}, dt);
    const std::vector<double> xv = x.to_vector();
    auto expect = [&](const std::function<double(double)>& f) {
      std::vector<double> e;
      for (double v : xv) e.push_back(f(v));
      return Tensor::from_vector(e, x.shape(), DType::f64);
    };
    // beta 2, threshold 5: beta·x > 5 returns x itself (x = 7 here).
    CHECK_CLOSE(kernels::softplus(x, 2.0, 5.0), expect([](double v) {
                  return 2.0 * v > 5.0 ? v : std::log1p(std::exp(2.0 * v)) / 2.0;
                }),
                tol, tol);
    CHECK_CLOSE(kernels::pow_scalar(x, 3.0), expect([](double v) { return std::pow(v, 3.0); }), tol,
                tol);
    CHECK_CLOSE(kernels::pow_scalar(x, 2.0), expect([](double v) { return v * v; }), tol, tol);
    CHECK_CLOSE(kernels::affine_scalar(x, -1.5, 0.25),
                expect([](double v) { return -1.5 * v + 0.25; }), tol, tol);
    CHECK_CLOSE(kernels::clamp(x, -1.0, 0.5),
                expect([](double v) { return std::min(std::max(v, -1.0), 0.5); }), tol, tol);
    Tensor p = Tensor::from_vector(kPositive, {static_cast<int64_t>(kPositive.size())}, dt);
    std::vector<double> pe;
    for (double v : p.to_vector()) pe.push_back(std::pow(v, -1.5));
    CHECK_CLOSE(kernels::pow_scalar(p, -1.5), Tensor::from_vector(pe, p.shape(), DType::f64), tol,
                tol);
  }
}

TEST_CASE("binary ops broadcast like NumPy") {
  // a (2, 1, 3) with b (4, 1) gives (2, 4, 3): out[i, j, k] = a[i, 0, k] op b[j, 0].
  std::vector<double> av(6), bv(4);
  for (int i = 0; i < 6; ++i) av[i] = 0.5 * i - 1.0;
  for (int j = 0; j < 4; ++j) bv[j] = 1.0 + 0.25 * j;
  Tensor a = Tensor::from_vector(av, {2, 1, 3}, DType::f64);
  Tensor b = Tensor::from_vector(bv, {4, 1}, DType::f64);
  const std::vector<std::pair<BinaryOp, std::function<double(double, double)>>> ops{
      {BinaryOp::add, [](double x, double y) { return x + y; }},
      {BinaryOp::sub, [](double x, double y) { return x - y; }},
      {BinaryOp::mul, [](double x, double y) { return x * y; }},
      {BinaryOp::div, [](double x, double y) { return x / y; }},
      {BinaryOp::maximum, [](double x, double y) { return std::max(x, y); }},
      {BinaryOp::minimum, [](double x, double y) { return std::min(x, y); }},
      {BinaryOp::eq, [](double x, double y) { return double(x == y); }},
      {BinaryOp::ne, [](double x, double y) { return double(x != y); }},
      {BinaryOp::lt, [](double x, double y) { return double(x < y); }},
      {BinaryOp::le, [](double x, double y) { return double(x <= y); }},
      {BinaryOp::gt, [](double x, double y) { return double(x > y); }},
      {BinaryOp::ge, [](double x, double y) { return double(x >= y); }}};
  for (const auto& op_ref : ops) {
    const auto& op = op_ref.first;
    const auto& ref = op_ref.second;
    INFO("op ", static_cast<int>(op));
    std::vector<double> e;
    for (int i = 0; i < 2; ++i)
      for (int j = 0; j < 4; ++j)
        for (int k = 0; k < 3; ++k) e.push_back(ref(av[i * 3 + k], bv[j]));
    Tensor y = kernels::binary(op, a, b);
    CHECK(y.shape() == Shape{2, 4, 3});
    CHECK_CLOSE(y, Tensor::from_vector(e, {2, 4, 3}, DType::f64), 0.0, 1e-15);
  }
  // eq is exercised with real ties: a holds 1.0 and b holds 1.0.
  CHECK(kernels::reduce(ReduceOp::sum, kernels::binary(BinaryOp::eq, a, b), {}).item() == 2.0);
}

TEST_CASE("binary ops reject incompatible shapes, dtypes and undefined inputs") {
  Tensor a = kernels::zeros({2, 3});
  CHECK_THROWS_AS(kernels::binary(BinaryOp::add, a, kernels::zeros({4})), Error);
  CHECK_THROWS_AS(kernels::binary(BinaryOp::add, a, kernels::zeros({2, 3}, DType::f64)), Error);
  CHECK_THROWS_AS(kernels::binary(BinaryOp::add, a, Tensor()), Error);
}

TEST_CASE("binary ops read non-contiguous operands correctly") {
  Tensor base = kernels::arange(12, DType::f64);
  Tensor m = kernels::reshape(base, {3, 4});
  Tensor t = kernels::transpose(m, 0, 1);    // (4, 3), strides (1, 4)
  Tensor s = kernels::slice(m, 1, 1, 4, 2);  // columns 1 and 3
  Tensor y = kernels::binary(BinaryOp::mul, t, t);
  std::vector<double> e;
  for (int i = 0; i < 4; ++i)
    for (int j = 0; j < 3; ++j) e.push_back(double(j * 4 + i) * double(j * 4 + i));
  CHECK_CLOSE(y, Tensor::from_vector(e, {4, 3}, DType::f64), 0.0, 0.0);
  Tensor z = kernels::binary(BinaryOp::sub, s, kernels::ones({1}, DType::f64));
  CHECK(z.to_vector() == std::vector<double>{0, 2, 4, 6, 8, 10});
}

TEST_CASE("maximum and minimum propagate NaN from either side") {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (DType dt : {DType::f32, DType::f64}) {
    Tensor a = Tensor::from_vector({nan, 1.0, 2.0}, {3}, dt);
    Tensor b = Tensor::from_vector({1.0, nan, 3.0}, {3}, dt);
    for (BinaryOp op : {BinaryOp::maximum, BinaryOp::minimum}) {
      const std::vector<double> y = kernels::binary(op, a, b).to_vector();
      CHECK(std::isnan(y[0]));
      CHECK(std::isnan(y[1]));
      CHECK(y[2] == (op == BinaryOp::maximum ? 3.0 : 2.0));
    }
    // clamp keeps NaN as NaN.
    CHECK(std::isnan(kernels::clamp(a, 0.0, 1.0).to_vector()[0]));
  }
}

TEST_CASE("where selects with broadcasting and accepts a condition of another dtype") {
  Tensor cond = Tensor::from_vector({1, 0, 1}, {3}, DType::f32);
  Tensor a = Tensor::from_vector({10, 20}, {2, 1}, DType::f64);
  Tensor b = Tensor::from_vector({-1, -2, -3}, {3}, DType::f64);
  Tensor y = kernels::where(cond, a, b);
  CHECK(y.shape() == Shape{2, 3});
  CHECK(y.to_vector() == std::vector<double>{10, -2, 10, 20, -2, 20});
}

TEST_CASE("unary_backward matches the analytic derivatives") {
  Tensor x = Tensor::from_vector({0.3, 1.7, 0.9}, {3}, DType::f64);
  Tensor g = Tensor::from_vector({1.0, -2.0, 0.5}, {3}, DType::f64);
  const std::vector<double> xv = x.to_vector(), gv = g.to_vector();
  auto expect = [&](const std::function<double(double)>& d) {
    std::vector<double> e;
    for (size_t i = 0; i < xv.size(); ++i) e.push_back(gv[i] * d(xv[i]));
    return Tensor::from_vector(e, x.shape(), DType::f64);
  };
  const double pi = 3.14159265358979323846;
  auto gelu_d = [&](double v) {
    return 0.5 * (1 + std::erf(v / std::sqrt(2.0))) +
           v * std::exp(-0.5 * v * v) / std::sqrt(2 * pi);
  };
  auto sig = [](double v) { return 1 / (1 + std::exp(-v)); };
  const std::vector<std::pair<UnaryOp, std::function<double(double)>>> cases{
      {UnaryOp::exp, [](double v) { return std::exp(v); }},
      {UnaryOp::log, [](double v) { return 1 / v; }},
      {UnaryOp::log1p, [](double v) { return 1 / (1 + v); }},
      {UnaryOp::sqrt, [](double v) { return 0.5 / std::sqrt(v); }},
      {UnaryOp::rsqrt, [](double v) { return -0.5 * std::pow(v, -1.5); }},
      {UnaryOp::tanh, [](double v) { return 1 - std::tanh(v) * std::tanh(v); }},
      {UnaryOp::atan, [](double v) { return 1 / (1 + v * v); }},
      {UnaryOp::sigmoid, [&](double v) { return sig(v) * (1 - sig(v)); }},
      {UnaryOp::gelu, gelu_d}};
  for (const auto& op_d : cases) {
    const auto& op = op_d.first;
    const auto& d = op_d.second;
    INFO("op ", static_cast<int>(op));
    // With y omitted the kernel computes it itself; both must agree with the formula.
    CHECK_CLOSE(kernels::unary_backward(op, x, kernels::unary(op, x), g), expect(d), 1e-14, 1e-13);
    CHECK_CLOSE(kernels::unary_backward(op, x, Tensor(), g), expect(d), 1e-14, 1e-13);
  }
  CHECK_CLOSE(kernels::softplus_backward(x, g, 1.5, 20.0),
              expect([](double v) { return 1 / (1 + std::exp(-1.5 * v)); }), 1e-14, 1e-13);
}

TEST_CASE("gradcheck: every differentiable unary op") {
  gradcheck_unary([](const Tensor& x) { return neg(x); }, -1, 1);
  gradcheck_unary([](const Tensor& x) { return abs(x); }, 0.2, 1);
  gradcheck_unary([](const Tensor& x) { return abs(x); }, -1, -0.2);
  gradcheck_unary([](const Tensor& x) { return exp(x); }, -1, 1);
  gradcheck_unary([](const Tensor& x) { return log(x); }, 0.5, 2);
  gradcheck_unary([](const Tensor& x) { return log1p(x); }, -0.5, 2);
  gradcheck_unary([](const Tensor& x) { return sqrt(x); }, 0.5, 2);
  gradcheck_unary([](const Tensor& x) { return rsqrt(x); }, 0.5, 2);
  gradcheck_unary([](const Tensor& x) { return square(x); }, -1, 1);
  gradcheck_unary([](const Tensor& x) { return tanh(x); }, -2, 2);
  gradcheck_unary([](const Tensor& x) { return atan(x); }, -2, 2);
  gradcheck_unary([](const Tensor& x) { return sigmoid(x); }, -3, 3);
  gradcheck_unary([](const Tensor& x) { return relu(x); }, 0.1, 1);
  gradcheck_unary([](const Tensor& x) { return relu(x); }, -1, -0.1);
  gradcheck_unary([](const Tensor& x) { return gelu(x); }, -3, 3);
  // softplus on both sides of the threshold (beta·x > threshold returns x).
  gradcheck_unary([](const Tensor& x) { return softplus(x, 1.0, 20.0); }, -3, 3);
  gradcheck_unary([](const Tensor& x) { return softplus(x, 2.0, 1.0); }, 0.6, 2);
  gradcheck_unary([](const Tensor& x) { return pow(x, 3.0); }, -1, 1);
  gradcheck_unary([](const Tensor& x) { return pow(x, 2.5); }, 0.5, 2);
  gradcheck_unary([](const Tensor& x) { return pow(x, -1.5); }, 0.5, 2);
  gradcheck_unary([](const Tensor& x) { return affine(x, -1.5, 0.25); }, -1, 1);
  gradcheck_unary([](const Tensor& x) { return -x; }, -1, 1);
  gradcheck_unary([](const Tensor& x) { return x * 3.0 - 1.0; }, -1, 1);
  gradcheck_unary([](const Tensor& x) { return 2.0 * x / 4.0 + 1.0; }, -1, 1);
}

TEST_CASE("clamp passes the gradient inside the bounds only") {
  // Values kept away from the bounds so central differences do not straddle a kink.
  Tensor x = Tensor::from_vector({-2.0, -0.5, 0.2, 0.9, 3.0}, {5}, DType::f64);
  x.set_requires_grad(true);
  CHECK_GRADCHECK([](const std::vector<Tensor>& in) { return clamp(in[0], -1.0, 1.0); },
                  std::vector<Tensor>{x});
  x.zero_grad();
  backward(sum(clamp(x, -1.0, 1.0)));
  CHECK(x.grad().to_vector() == std::vector<double>{0, 1, 1, 1, 0});
}

TEST_CASE("pow with exponent 0 has a zero gradient, also at x = 0") {
  Tensor x = Tensor::from_vector({0.0, 2.0}, {2}, DType::f64);
  x.set_requires_grad(true);
  backward(sum(pow(x, 0.0)));
  CHECK(x.grad().to_vector() == std::vector<double>{0, 0});
}

TEST_CASE("gradcheck: every differentiable binary op, with broadcasting") {
  gradcheck_binary([](const Tensor& a, const Tensor& b) { return add(a, b); }, -1, 1);
  gradcheck_binary([](const Tensor& a, const Tensor& b) { return sub(a, b); }, -1, 1);
  gradcheck_binary([](const Tensor& a, const Tensor& b) { return mul(a, b); }, -1, 1);
  gradcheck_binary([](const Tensor& a, const Tensor& b) { return div(a, b); }, 0.5, 2);
  gradcheck_binary([](const Tensor& a, const Tensor& b) { return maximum(a, b); }, -1, 1);
  gradcheck_binary([](const Tensor& a, const Tensor& b) { return minimum(a, b); }, -1, 1);
  gradcheck_binary([](const Tensor& a, const Tensor& b) { return a + b * a - b / (a * a + 1.0); },
                   -1, 1);
}

TEST_CASE("gradcheck: where with a broadcast condition") {
  Tensor cond = Tensor::from_vector({1, 0, 0, 1}, {4}, DType::f64);
  CHECK_GRADCHECK([&](const std::vector<Tensor>& in) { return where(cond, in[0], in[1]); },
                  (std::vector<Tensor>{leaf({3, 4}, 300), leaf({3, 1}, 301)}));
}

TEST_CASE("maximum splits the gradient on ties, as PyTorch does") {
  // torch.maximum(a, b).sum().backward() with a = [1, 2, 3], b = [1, 0, 5] gives
  // a.grad = [0.5, 1, 0], b.grad = [0.5, 0, 1].
  Tensor a = Tensor::from_vector({1, 2, 3}, {3}, DType::f64);
  Tensor b = Tensor::from_vector({1, 0, 5}, {3}, DType::f64);
  a.set_requires_grad(true);
  b.set_requires_grad(true);
  backward(sum(maximum(a, b)));
  CHECK(a.grad().to_vector() == std::vector<double>{0.5, 1, 0});
  CHECK(b.grad().to_vector() == std::vector<double>{0.5, 0, 1});
  a.zero_grad();
  b.zero_grad();
  backward(sum(minimum(a, b)));
  CHECK(a.grad().to_vector() == std::vector<double>{0.5, 0, 1});
  CHECK(b.grad().to_vector() == std::vector<double>{0.5, 1, 0});
}

TEST_CASE("comparisons carry no gradient") {
  Tensor a = leaf({3}, 400);
  Tensor b = leaf({3}, 401);
  for (const Tensor& c : {eq(a, b), ne(a, b), lt(a, b), le(a, b), gt(a, b), ge(a, b)})
    CHECK_FALSE(c.requires_grad());
  CHECK(add(a, b).requires_grad());
}

TEST_CASE("large contiguous inputs take the parallel path with the same results") {
  const int64_t n = 100003;
  Tensor a = kernels::rand_uniform({n}, 5, 0, -2, 2, DType::f32);
  Tensor b = kernels::rand_uniform({n}, 6, 0, -2, 2, DType::f32);
  const std::vector<double> av = a.to_vector(), bv = b.to_vector();
  const std::vector<double> y = kernels::binary(BinaryOp::mul, a, b).to_vector();
  const std::vector<double> t = kernels::unary(UnaryOp::tanh, a).to_vector();
  bool ok = true;
  for (int64_t i = 0; i < n; ++i) {
    ok = ok && y[i] == static_cast<double>(static_cast<float>(av[i]) * static_cast<float>(bv[i]));
    ok = ok && std::fabs(t[i] - std::tanh(av[i])) < 1e-6;
  }
  CHECK(ok);
}
