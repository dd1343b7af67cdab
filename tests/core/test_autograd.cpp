// The backward engine: accumulation, shared subgraphs, grad mode, detach, zero_grad, error
// messages, very deep graphs, and gradcheck catching a wrong backward.
#include <string>

#include "test_util.h"

using namespace uflow;

namespace {

Tensor leaf(const std::vector<double>& v) {
  Tensor t = Tensor::from_vector(v, {static_cast<int64_t>(v.size())}, DType::f64);
  t.set_requires_grad(true);
  return t;
}

// Runs fn, which must throw uflow::Error, and returns the message.
template <typename Fn>
std::string error_of(Fn&& fn) {
  try {
    fn();
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST_CASE("a tensor used twice accumulates both gradients") {
  Tensor x = leaf({1.5, -2.0});
  backward(sum(add(mul(x, x), x)));  // d/dx (x² + x) = 2x + 1
  CHECK(x.grad().to_vector() == std::vector<double>{4.0, -3.0});
}

TEST_CASE("diamond graphs sum the gradient of both paths once") {
  Tensor x = leaf({0.5, 1.0});
  Tensor a = affine(x, 2.0, 0.0);
  Tensor b = exp(x);
  backward(sum(mul(a, b)));  // d/dx (2x eˣ) = 2eˣ + 2x eˣ
  const auto g = x.grad().to_vector();
  CHECK(g[0] == doctest::Approx(2 * std::exp(0.5) * 1.5).epsilon(1e-14));
  CHECK(g[1] == doctest::Approx(2 * std::exp(1.0) * 2.0).epsilon(1e-14));
}

TEST_CASE("repeated backward passes accumulate into .grad until zero_grad") {
  Tensor x = leaf({3.0});
  backward(mul(x, x));
  backward(mul(x, x));
  CHECK(x.grad().item() == 12.0);
  x.zero_grad();
  CHECK_FALSE(x.grad().defined());
  backward(mul(x, x));
  CHECK(x.grad().item() == 6.0);
}

TEST_CASE("inputs that do not require gradients get none") {
  Tensor x = leaf({1.0, 2.0});
  Tensor c = Tensor::from_vector({5.0, 7.0}, {2}, DType::f64);
  backward(sum(mul(x, c)));
  CHECK(x.grad().to_vector() == std::vector<double>{5.0, 7.0});
  CHECK_FALSE(c.grad().defined());
  CHECK_FALSE(mul(c, c).requires_grad());
}

TEST_CASE("NoGradGuard stops recording and restores the previous mode") {
  Tensor x = leaf({1.0});
  CHECK(grad_mode_enabled());
  {
    NoGradGuard g1;
    CHECK_FALSE(grad_mode_enabled());
    Tensor y = mul(x, x);
    CHECK_FALSE(y.requires_grad());
    CHECK(y.is_leaf());
    {
      NoGradGuard g2;
      CHECK_FALSE(grad_mode_enabled());
    }
    CHECK_FALSE(grad_mode_enabled());
  }
  CHECK(grad_mode_enabled());
  CHECK(mul(x, x).requires_grad());
}

TEST_CASE("detach shares storage and cuts the history") {
  Tensor x = leaf({2.0, 3.0});
  Tensor y = mul(x, x);
  Tensor d = detach(y);
  CHECK(d.storage() == y.storage());
  CHECK_FALSE(d.requires_grad());
  CHECK(d.is_leaf());
  // Only the attached path contributes: d/dx (x² · stop(x²)) = 2x · x².
  backward(sum(mul(y, d)));
  CHECK(x.grad().to_vector() == std::vector<double>{16.0, 54.0});
}

TEST_CASE("errors name the problem") {
  Tensor c = Tensor::from_vector({1.0, 2.0}, {2}, DType::f64);
  CHECK(error_of([&] { backward(c); }).find("does not require gradients") != std::string::npos);
  Tensor x = leaf({1.0, 2.0});
  Tensor y = mul(x, x);
  CHECK(error_of([&] { backward(y); }).find("single-element") != std::string::npos);
  CHECK(error_of([&] { backward(y, kernels::ones({3}, DType::f64)); }).find("gradient shape") !=
        std::string::npos);
  CHECK(error_of([&] { y.set_requires_grad(true); }).find("non-leaf") != std::string::npos);
  CHECK(error_of([&] { backward(Tensor()); }).find("undefined") != std::string::npos);
}

TEST_CASE("a backward that returns the wrong gradient shape is reported") {
  Tensor x = leaf({1.0, 2.0});
  Tensor y = record(kernels::clone(x), "bad_shape", {x}, [](const Tensor&) {
    return std::vector<Tensor>{kernels::ones({3}, DType::f64)};
  });
  const std::string msg = error_of([&] { backward(sum(y)); });
  CHECK(msg.find("bad_shape") != std::string::npos);
  CHECK(msg.find("gradient shape") != std::string::npos);
}

TEST_CASE("a chain of 10000 ops neither overflows the stack in backward nor on release") {
  Tensor x = leaf({1.0});
  {
    Tensor y = x;
    for (int i = 0; i < 10000; ++i) y = affine(y, 1.0001, 0.0);
    backward(y);
  }  // the whole graph is released here
  CHECK(x.grad().item() == doctest::Approx(std::pow(1.0001, 10000)).epsilon(1e-10));
}

TEST_CASE("gradcheck catches a wrong backward") {
  // x³ with a backward of 2x (wrong: should be 3x²).
  auto bad_cube = [](const std::vector<Tensor>& in) {
    const Tensor& x = in[0];
    return record(kernels::pow_scalar(x, 3.0), "bad_cube", {x}, [xd = detach(x)](const Tensor& g) {
      return std::vector<Tensor>{
          kernels::binary(BinaryOp::mul, g, kernels::affine_scalar(xd, 2.0, 0.0))};
    });
  };
  Tensor x = leaf({0.3, -1.2, 2.0});
  const GradcheckResult r = gradcheck(bad_cube, {x});
  CHECK_FALSE(r.ok);
  CHECK(r.max_abs_error > 1.0);
  CHECK_GRADCHECK([](const std::vector<Tensor>& in) { return pow(in[0], 3.0); },
                  std::vector<Tensor>{x});
}

TEST_CASE("record leaves outputs alone when no input needs gradients") {
  Tensor c = Tensor::from_vector({1.0}, {1}, DType::f64);
  Tensor out = kernels::clone(c);
  Tensor r = record(out, "noop", {c}, [](const Tensor& g) { return std::vector<Tensor>{g}; });
  CHECK(r.same(out));
  CHECK(r.is_leaf());
}

TEST_CASE("an op returning its own input keeps the input's history intact") {
  Tensor x = leaf({1.0, 2.0});
  Tensor y = contiguous(x);  // already contiguous: the kernel returns x itself
  CHECK_FALSE(y.same(x));
  CHECK(x.is_leaf());
  backward(sum(mul(y, y)));
  CHECK(x.grad().to_vector() == std::vector<double>{2.0, 4.0});
}
