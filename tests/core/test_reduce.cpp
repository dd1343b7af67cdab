// Reductions: known values (from PyTorch), several dims, keepdim, argmax ties, variance,
// sum_to, accuracy of long f32 sums, errors, and float64 gradient checks.
#include <cmath>
#include <limits>

#include "test_util.h"

using namespace uflow;

namespace {

// x[i] = 3·sin(1.3·i), shape (2, 3, 4); the same tensor as
// torch.arange(24, dtype=torch.float64).reshape(2, 3, 4).mul(1.3).sin().mul(3).
Tensor sample(DType dt) {
  std::vector<double> v(24);
  for (int i = 0; i < 24; ++i) v[i] = 3.0 * std::sin(1.3 * i);
  return Tensor::from_vector(v, {2, 3, 4}, dt);
}

Tensor vec(const std::vector<double>& v, const Shape& s) {
  return Tensor::from_vector(v, s, DType::f64);
}

Tensor leaf(const Shape& s, uint64_t seed) {
  Tensor t = kernels::rand_uniform(s, seed, 0, -1.0, 1.0, DType::f64);
  t.set_requires_grad(true);
  return t;
}

}  // namespace

TEST_CASE("reductions over several dims match PyTorch") {
  for (DType dt : {DType::f64, DType::f32}) {
    INFO("dtype ", std::string(dtype_name(dt)));
    const double tol = dt == DType::f32 ? 2e-6 : 1e-14;
    const Tensor x = sample(dt);
    // x.sum(dim=(0, 2))
    CHECK_CLOSE(kernels::reduce(ReduceOp::sum, x, {0, 2}),
                vec({-0.08810974520078263, 0.18956761365269847, 0.26574091987061177}, {3}), tol,
                tol);
    // x.mean(dim=1, keepdim=True)
    CHECK_CLOSE(
        kernels::reduce(ReduceOp::mean, x, {1}, true),
        vec({-1.7112811248058069, 0.4166945895859763, 1.9342117540227102, 0.6181041674399915,
             1.7991073368562853, -0.21043270756307075, -1.9116883424111315, -0.8123160770174448},
            {2, 1, 4}),
        tol, tol);
    // x.amax(dim=(1, 2)); negative dims name the same axes.
    CHECK_CLOSE(kernels::reduce(ReduceOp::max, x, {-1, -2}),
                vec({2.995630036123815, 2.7863857022317213}, {2}), tol, tol);
    // x.amin(dim=0)
    CHECK_CLOSE(
        kernels::reduce(ReduceOp::min, x, {0}),
        vec({0.0, -2.787372038203109, -1.8144984672188524, -2.063298477551922, -2.6503639671604593,
             -0.32590978627223927, -2.960746674361948, -1.2580827482196941, -2.483479407256961,
             -2.2859507517570963, -0.9598198856525944, -2.9954850919914433},
            {3, 4}),
        tol, tol);
    // x.var(dim=(0, 2)) (unbiased) and x.var(dim=2, unbiased=False)
    CHECK_CLOSE(kernels::var(x, {0, 2}, true),
                vec({4.210050939772565, 5.077942199342092, 6.1463762171061225}, {3}), tol, tol);
    CHECK_CLOSE(kernels::var(x, {2}, false),
                vec({3.3990120456788895, 4.095633166551736, 5.417582485475036, 3.237775850536953,
                     4.361500944485031, 5.280523404661504},
                    {2, 3}),
                tol, tol);
    // x.argmax(dim=1)
    CHECK(kernels::argmax(x, 1) == std::vector<int64_t>{0, 0, 1, 2, 1, 2, 2, 0});
  }
}

TEST_CASE("reduction output shapes follow dims and keepdim") {
  const Tensor x = sample(DType::f64);
  CHECK(kernels::reduce(ReduceOp::sum, x, {}).shape() == Shape{});
  CHECK(kernels::reduce(ReduceOp::sum, x, {}, true).shape() == Shape{1, 1, 1});
  CHECK(kernels::reduce(ReduceOp::max, x, {0, 2}, true).shape() == Shape{1, 3, 1});
  CHECK(kernels::reduce(ReduceOp::mean, x, {1}).shape() == Shape{2, 4});
  CHECK(kernels::argmax(x, -1).size() == 6);  // one index per element of the (2, 3) rest
  CHECK(kernels::var(x, {0, 1, 2}).shape() == Shape{});
  // Sum over everything equals the sum of the per-dim sums.
  CHECK(kernels::reduce(ReduceOp::sum, x, {}).item() ==
        doctest::Approx(-0.08810974520078263 + 0.18956761365269847 + 0.26574091987061177)
            .epsilon(1e-12));
}

TEST_CASE("reductions of non-contiguous views equal those of their contiguous copies") {
  const Tensor x = sample(DType::f64);
  const Tensor views[] = {kernels::permute(x, {2, 0, 1}), kernels::slice(x, 2, 0, 4, 2),
                          kernels::expand(kernels::slice(x, 0, 1, 2), {3, 3, 4})};
  for (const Tensor& v : views) {
    REQUIRE_FALSE(v.is_contiguous());
    const Tensor c = kernels::clone(v);
    for (ReduceOp op : {ReduceOp::sum, ReduceOp::mean, ReduceOp::max, ReduceOp::min})
      for (const std::vector<int64_t>& dims : {std::vector<int64_t>{0}, {1}, {2}, {0, 2}, {}})
        CHECK_CLOSE(kernels::reduce(op, v, dims), kernels::reduce(op, c, dims), 1e-15, 1e-15);
    CHECK_CLOSE(kernels::var(v, {1}), kernels::var(c, {1}), 1e-15, 1e-15);
    CHECK(kernels::argmax(v, 0) == kernels::argmax(c, 0));
  }
}

TEST_CASE("argmax returns the first of tied maxima") {
  Tensor x = vec({1, 3, 3, 0, 2, 3, 2, 5, 5, 1, 5, 5}, {3, 4});
  CHECK(kernels::argmax(x, 1) == std::vector<int64_t>{1, 3, 0});
  CHECK(kernels::argmax(x, 0) == std::vector<int64_t>{2, 0, 2, 1});
}

TEST_CASE("max and min propagate NaN; var of one element is NaN") {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (DType dt : {DType::f32, DType::f64}) {
    Tensor x = Tensor::from_vector({1, nan, 3, 4, 5, 6}, {2, 3}, dt);
    const std::vector<double> mx = kernels::reduce(ReduceOp::max, x, {1}).to_vector();
    const std::vector<double> mn = kernels::reduce(ReduceOp::min, x, {1}).to_vector();
    CHECK(std::isnan(mx[0]));
    CHECK(mx[1] == 6);
    CHECK(std::isnan(mn[0]));
    CHECK(mn[1] == 4);
    CHECK(kernels::argmax(x, 1) == std::vector<int64_t>{1, 2});
    CHECK(std::isnan(kernels::var(Tensor::from_vector({2.0}, {1}, dt), {0}, true).item()));
    CHECK(kernels::var(Tensor::from_vector({2.0}, {1}, dt), {0}, false).item() == 0.0);
  }
}

TEST_CASE("long f32 sums are accurate") {
  // A naive float accumulator drifts by about 1% on this sum; double accumulation does not.
  const int64_t n = 1000000;
  Tensor x = kernels::full({n}, 0.1, DType::f32);
  const double exact = static_cast<double>(n) * static_cast<double>(0.1f);
  CHECK(std::fabs(kernels::reduce(ReduceOp::sum, x, {}).item() - exact) <= 1e-2);
  CHECK(std::fabs(
            kernels::reduce(ReduceOp::mean, kernels::reshape(x, {1000, 1000}), {0}).to_vector()[7] -
            static_cast<double>(0.1f)) <= 1e-8);
}

TEST_CASE("sum_to reverses broadcasting") {
  Tensor g = kernels::reshape(kernels::arange(24, DType::f64), {2, 3, 4});
  const std::vector<double> gv = g.to_vector();
  auto at = [&](int i, int j, int k) { return gv[(i * 3 + j) * 4 + k]; };
  std::vector<double> e31(3, 0), e14(4, 0);
  double all = 0;
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 3; ++j)
      for (int k = 0; k < 4; ++k) e31[j] += at(i, j, k), e14[k] += at(i, j, k), all += at(i, j, k);
  CHECK_CLOSE(kernels::sum_to(g, {3, 1}), vec(e31, {3, 1}), 0, 0);
  CHECK_CLOSE(kernels::sum_to(g, {1, 4}), vec(e14, {1, 4}), 0, 0);
  CHECK_CLOSE(kernels::sum_to(g, {4}), vec(e14, {4}), 0, 0);
  CHECK(kernels::sum_to(g, {}).item() == all);
  CHECK(kernels::sum_to(g, {2, 3, 4}).same(g));
  CHECK_THROWS_AS(kernels::sum_to(g, {3}), Error);
  CHECK_THROWS_AS(kernels::sum_to(g, {1, 2, 3, 4, 5}), Error);
}

TEST_CASE("reductions reject bad dims and empty max") {
  const Tensor x = sample(DType::f32);
  CHECK_THROWS_AS(kernels::reduce(ReduceOp::sum, x, {3}), Error);
  CHECK_THROWS_AS(kernels::reduce(ReduceOp::sum, x, {1, -2}), Error);
  CHECK_THROWS_AS(kernels::reduce(ReduceOp::max, kernels::zeros({0, 3}), {0}), Error);
  CHECK(kernels::reduce(ReduceOp::sum, kernels::zeros({0, 3}), {0}).to_vector() ==
        std::vector<double>{0, 0, 0});
}

TEST_CASE("gradcheck: sum and mean over dims, with keepdim and non-contiguous inputs") {
  for (bool keep : {false, true}) {
    for (const std::vector<int64_t>& dims : {std::vector<int64_t>{}, {0}, {1, 2}, {0, 2}, {-1}}) {
      CHECK_GRADCHECK([&](const std::vector<Tensor>& in) { return sum(in[0], dims, keep); },
                      std::vector<Tensor>{leaf({2, 3, 4}, 10)});
      CHECK_GRADCHECK([&](const std::vector<Tensor>& in) { return mean(in[0], dims, keep); },
                      std::vector<Tensor>{leaf({2, 3, 4}, 11)});
    }
  }
  CHECK_GRADCHECK(
      [](const std::vector<Tensor>& in) {
        return mean(transpose(in[0], 0, 2), {0, 1});
      },
      std::vector<Tensor>{leaf({2, 3, 4}, 12)});
}

TEST_CASE("gradcheck: max, min and var") {
  for (bool keep : {false, true}) {
    for (const std::vector<int64_t>& dims : {std::vector<int64_t>{}, {1}, {0, 2}}) {
      CHECK_GRADCHECK([&](const std::vector<Tensor>& in) { return max(in[0], dims, keep); },
                      std::vector<Tensor>{leaf({2, 3, 4}, 20)});
      CHECK_GRADCHECK([&](const std::vector<Tensor>& in) { return min(in[0], dims, keep); },
                      std::vector<Tensor>{leaf({2, 3, 4}, 21)});
      for (bool unbiased : {true, false})
        CHECK_GRADCHECK(
            [&](const std::vector<Tensor>& in) { return var(in[0], dims, unbiased, keep); },
            std::vector<Tensor>{leaf({2, 3, 4}, 22)});
    }
  }
  CHECK_GRADCHECK(
      [](const std::vector<Tensor>& in) {
        return var(permute(in[0], {2, 0, 1}), {1});
      },
      std::vector<Tensor>{leaf({2, 3, 4}, 23)});
}

TEST_CASE("max and min share the gradient among tied extrema") {
  // x = torch.tensor([[1., 3., 3.], [2., 2., 0.]]): x.amax(dim=1).sum().backward() gives
  // [[0, .5, .5], [.5, .5, 0]] and x.max().backward() gives [[0, .5, .5], [0, 0, 0]].
  Tensor x = vec({1, 3, 3, 2, 2, 0}, {2, 3});
  x.set_requires_grad(true);
  backward(sum(max(x, {1})));
  CHECK(x.grad().to_vector() == std::vector<double>{0, .5, .5, .5, .5, 0});
  x.zero_grad();
  backward(max(x));
  CHECK(x.grad().to_vector() == std::vector<double>{0, .5, .5, 0, 0, 0});
  x.zero_grad();
  backward(sum(min(x, {0})));
  CHECK(x.grad().to_vector() == std::vector<double>{1, 0, 0, 0, 1, 1});
}

TEST_CASE("argmax indices are exact beyond 2^24, along rows and along strided columns") {
  // 2^24 + 5 is not a float: stored as an f32 value, the index would round to 2^24 + 4.
  const int64_t n = (int64_t{1} << 24) + 8, at = (int64_t{1} << 24) + 5;
  Tensor x = kernels::zeros({n});
  x.data<float>()[at] = 1.0f;
  x.data<float>()[at + 1] = 1.0f;  // a tie after it: the first maximum wins
  CHECK(kernels::argmax(x, 0) == std::vector<int64_t>{at});
  // The same run as a strided column of (n, 2).
  Tensor y = kernels::zeros({n, 2});
  y.data<float>()[2 * at + 1] = 1.0f;
  CHECK(kernels::argmax(y, 0) == std::vector<int64_t>{0, at});
}

TEST_CASE("argmax has no gradient and leaves its input alone") {
  Tensor x = leaf({2, 3}, 30);
  const std::vector<int64_t> i = argmax(x, 1);
  CHECK(i.size() == 2);
  CHECK_FALSE(x.grad().defined());
}
