// CPU vs CUDA for every element-wise op, its backward helper, broadcasting and strided inputs,
// and gradients of a small graph computed on each device.
#include <functional>

#include "cuda_parity_util.h"

using namespace uflow;
using uflow::test::gpu;
using uflow::test::host;

namespace {

struct Tol {
  double atol, rtol;
};
Tol tol_for(DType dt) {
  return dt == DType::f32 ? Tol{2e-6, 2e-5} : Tol{1e-13, 1e-12};
}

Tensor cpu_rand(const Shape& s, uint64_t seed, double lo, double hi, DType dt) {
  return kernels::rand_uniform(s, seed, 0, lo, hi, dt);
}

// Runs f on CPU inputs and on their CUDA copies and compares.
void parity(const std::function<Tensor(const std::vector<Tensor>&)>& f,
            const std::vector<Tensor>& cpu_inputs, Tol tol) {
  std::vector<Tensor> g;
  for (const Tensor& t : cpu_inputs) g.push_back(gpu(t));
  const Tensor on_gpu = f(g);
  CHECK(on_gpu.is_cuda());
  CHECK_CLOSE(host(on_gpu), f(cpu_inputs), tol.atol, tol.rtol);
}

const UnaryOp kUnary[] = {UnaryOp::neg,   UnaryOp::abs,  UnaryOp::exp,     UnaryOp::log,
                          UnaryOp::log1p, UnaryOp::sqrt, UnaryOp::rsqrt,   UnaryOp::square,
                          UnaryOp::tanh,  UnaryOp::atan, UnaryOp::sigmoid, UnaryOp::relu,
                          UnaryOp::gelu,  UnaryOp::sign};
double lower_bound(UnaryOp op) {
  if (op == UnaryOp::log || op == UnaryOp::sqrt || op == UnaryOp::rsqrt) return 0.1;
  return op == UnaryOp::log1p ? -0.9 : -4.0;
}

}  // namespace

TEST_CASE("unary ops and their backward match on CPU and CUDA") {
  UFLOW_REQUIRE_CUDA_OR_SKIP();
  for (DType dt : {DType::f32, DType::f64}) {
    for (UnaryOp op : kUnary) {
      INFO("dtype ", std::string(dtype_name(dt)), ", op ", static_cast<int>(op));
      const double lo = lower_bound(op);
      const Tensor x = cpu_rand({37, 29}, 1, lo, 4.0, dt);
      const Tensor g = cpu_rand({37, 29}, 2, -1.0, 1.0, dt);
      parity([op](const std::vector<Tensor>& in) { return kernels::unary(op, in[0]); }, {x},
             tol_for(dt));
      // Transposed (strided) input.
      parity(
          [op](const std::vector<Tensor>& in) {
            return kernels::unary(op, kernels::transpose(in[0], 0, 1));
          },
          {x}, tol_for(dt));
      parity(
          [op](const std::vector<Tensor>& in) {
            return kernels::unary_backward(op, in[0], kernels::unary(op, in[0]), in[1]);
          },
          {x, g}, tol_for(dt));
    }
  }
}

TEST_CASE("softplus, pow, affine and clamp match on CPU and CUDA") {
  UFLOW_REQUIRE_CUDA_OR_SKIP();
  for (DType dt : {DType::f32, DType::f64}) {
    INFO("dtype ", std::string(dtype_name(dt)));
    const Tensor x = cpu_rand({1000}, 3, -30.0, 30.0, dt);
    const Tensor pos = cpu_rand({1000}, 4, 0.01, 5.0, dt);
    const Tensor g = cpu_rand({1000}, 5, -1.0, 1.0, dt);
    const Tol t = tol_for(dt);
    parity([](const std::vector<Tensor>& in) { return kernels::softplus(in[0], 1.0, 20.0); }, {x},
           t);
    parity([](const std::vector<Tensor>& in) { return kernels::softplus(in[0], 0.5, 3.0); }, {x},
           t);
    parity(
        [](const std::vector<Tensor>& in) {
          return kernels::softplus_backward(in[0], in[1], 0.5, 3.0);
        },
        {x, g}, t);
    for (double p : {2.0, 3.0, 0.5, -1.0, -1.5, 2.5})
      parity([p](const std::vector<Tensor>& in) { return kernels::pow_scalar(in[0], p); }, {pos},
             t);
    parity([](const std::vector<Tensor>& in) { return kernels::affine_scalar(in[0], -0.3, 2); },
           {x}, t);
    parity([](const std::vector<Tensor>& in) { return kernels::clamp(in[0], -5.0, 7.5); }, {x}, t);
  }
}

TEST_CASE("binary ops and where match on CPU and CUDA, with broadcasting") {
  UFLOW_REQUIRE_CUDA_OR_SKIP();
  const BinaryOp ops[] = {BinaryOp::add,     BinaryOp::sub,     BinaryOp::mul, BinaryOp::div,
                          BinaryOp::maximum, BinaryOp::minimum, BinaryOp::eq,  BinaryOp::ne,
                          BinaryOp::lt,      BinaryOp::le,      BinaryOp::gt,  BinaryOp::ge};
  const std::vector<std::pair<Shape, Shape>> shapes{
      {{64, 33}, {64, 33}}, {{4, 1, 33}, {7, 1}}, {{33}, {5, 2, 33}}, {{6, 5}, {}}};
  for (DType dt : {DType::f32, DType::f64}) {
    // Named members, not a structured binding: the checks below capture them, which clang
    // (the sanitizer build, with OpenMP) does not support for structured bindings.
    for (const auto& sa_sb : shapes) {
      const auto& sa = sa_sb.first;
      const auto& sb = sa_sb.second;
      // Rounded to a coarse grid so that ties and equalities occur.
      const Tensor a =
          kernels::affine_scalar(kernels::unary(UnaryOp::relu, cpu_rand(sa, 6, 0, 8, dt)), 1, 0.5);
      const Tensor b = kernels::affine_scalar(cpu_rand(sb, 7, 0, 8, dt), 1, 0.5);
      for (BinaryOp op : ops) {
        INFO("dtype ", std::string(dtype_name(dt)), ", op ", static_cast<int>(op), ", shapes ",
             shape_str(sa), " ", shape_str(sb));
        parity([op](const std::vector<Tensor>& in) { return kernels::binary(op, in[0], in[1]); },
               {a, b}, tol_for(dt));
      }
    }
    const Tensor m = cpu_rand({8, 9}, 8, -1, 1, dt);
    const Tensor cond =
        kernels::binary(BinaryOp::gt, cpu_rand({9}, 9, -1, 1, dt), kernels::zeros({}, dt));
    parity(
        [](const std::vector<Tensor>& in) {
          return kernels::where(in[0], kernels::transpose(in[1], 0, 1), in[2]);
        },
        {cond, cpu_rand({9, 8}, 10, -1, 1, dt), m}, tol_for(dt));
    // A strided, offset operand.
    parity(
        [](const std::vector<Tensor>& in) {
          return kernels::binary(BinaryOp::mul, kernels::slice(in[0], 1, 1, 9, 3), in[1]);
        },
        {m, cpu_rand({8, 1}, 11, -1, 1, dt)}, tol_for(dt));
  }
}

TEST_CASE("gradients of a small graph match on CPU and CUDA") {
  UFLOW_REQUIRE_CUDA_OR_SKIP();
  auto f = [](const Tensor& x, const Tensor& y) {
    Tensor z = add(mul(tanh(x), y), maximum(x, expand(y, {5, 6})));
    z = where(gt(z, kernels::zeros({}, z.dtype(), z.device())), softplus(z, 2.0, 5.0),
              div(z, add(exp(y), y)));
    return sum(mul(z, z));
  };
  const Tensor xc = cpu_rand({5, 6}, 12, -2, 2, DType::f64);
  const Tensor yc = cpu_rand({1, 6}, 13, -2, 2, DType::f64);
  Tensor xg = gpu(xc), yg = gpu(yc);
  for (const Tensor& t : {xc, yc, xg, yg}) t.set_requires_grad(true);
  backward(f(xc, yc));
  backward(f(xg, yg));
  CHECK(xg.grad().is_cuda());
  CHECK_CLOSE(host(xg.grad()), xc.grad(), 1e-12, 1e-11);
  CHECK_CLOSE(host(yg.grad()), yc.grad(), 1e-12, 1e-11);
}
