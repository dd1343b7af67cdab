// CPU vs CUDA for every reduction: both kernel shapes (reduced elements adjacent, and strided
// runs), rows longer than a block, argmax ties, variance, sum_to and the gradients.
#include "test_util.h"

using namespace uflow;

namespace {

Tensor gpu(const Tensor& t) {
  return kernels::to_device(t, Device::cuda);
}
Tensor host(const Tensor& t) {
  return kernels::to_device(t, Device::cpu);
}

}  // namespace

TEST_CASE("sum, mean, max, min and var match on CPU and CUDA") {
  UFLOW_REQUIRE_CUDA_OR_SKIP();
  const std::vector<std::pair<Shape, std::vector<int64_t>>> cases{
      {{7, 300}, {1}},          // rows: K == 1
      {{7, 300}, {0}},          // columns: K > 1
      {{3, 5, 17, 4}, {1, 2}},  // a middle block
      {{3, 5, 17, 4}, {0, 3}},  // not a block: permuted copy
      {{3, 5, 17, 4}, {}},      // everything
      {{2, 100000}, {1}},       // rows much longer than a block
      {{4, 1}, {1}}};
  for (DType dt : {DType::f32, DType::f64}) {
    const double tol = dt == DType::f32 ? 1e-5 : 1e-12;
    // Named members, not a structured binding: the checks below capture them, which clang
    // (the sanitizer build, with OpenMP) does not support for structured bindings.
    for (const auto& shape_dims : cases) {
      const auto& shape = shape_dims.first;
      const auto& dims = shape_dims.second;
      const Tensor x = kernels::rand_uniform(shape, 21, 0, -3, 3, dt);
      const Tensor xg = gpu(x);
      for (bool keep : {false, true}) {
        INFO("dtype ", std::string(dtype_name(dt)), ", shape ", shape_str(shape), ", keepdim ",
             keep);
        for (ReduceOp op : {ReduceOp::sum, ReduceOp::mean, ReduceOp::max, ReduceOp::min})
          CHECK_CLOSE(host(kernels::reduce(op, xg, dims, keep)), kernels::reduce(op, x, dims, keep),
                      tol, tol);
        CHECK_CLOSE(host(kernels::var(xg, dims, false, keep)), kernels::var(x, dims, false, keep),
                    tol, tol);
        const Tensor vg = host(kernels::var(xg, dims, true, keep));
        if (x.numel() == vg.numel()) {  // one element per output: unbiased variance is NaN
          for (double v : vg.to_vector()) CHECK(std::isnan(v));
        } else {
          CHECK_CLOSE(vg, kernels::var(x, dims, true, keep), tol, tol);
        }
      }
    }
  }
}

TEST_CASE("argmax matches on CPU and CUDA, including ties and NaN") {
  UFLOW_REQUIRE_CUDA_OR_SKIP();
  for (DType dt : {DType::f32, DType::f64}) {
    // Values on a coarse grid: many ties, the first one must win on both devices.
    Tensor x = kernels::unary(UnaryOp::relu, kernels::rand_uniform({9, 700}, 22, 0, -2, 3, dt));
    x = kernels::unary(UnaryOp::sign, x);
    for (int64_t dim : {0, 1})
      CHECK_CLOSE(host(kernels::argmax(gpu(x), dim)), kernels::argmax(x, dim), 0, 0);
    const Tensor y = kernels::rand_uniform({2, 3, 4}, 23, 0, -1, 1, dt);
    for (int64_t dim : {0, 1, 2})
      CHECK_CLOSE(host(kernels::argmax(gpu(y), dim, true)), kernels::argmax(y, dim, true), 0, 0);
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const Tensor z = Tensor::from_vector({1, nan, 3, nan, 5, 5, 2, 1}, {2, 4}, dt);
    CHECK_CLOSE(host(kernels::argmax(gpu(z), 1)), kernels::argmax(z, 1), 0, 0);
    const std::vector<double> mx = host(kernels::reduce(ReduceOp::max, gpu(z), {1})).to_vector();
    CHECK(std::isnan(mx[0]));
    CHECK(mx[1] == 5);
  }
}

TEST_CASE("sum_to and reduction gradients match on CPU and CUDA") {
  UFLOW_REQUIRE_CUDA_OR_SKIP();
  const Tensor g = kernels::rand_uniform({4, 3, 5}, 24, 0, -1, 1, DType::f64);
  for (const Shape& s : {Shape{3, 1}, Shape{1, 5}, Shape{5}, Shape{}, Shape{4, 1, 1}})
    CHECK_CLOSE(host(kernels::sum_to(gpu(g), s)), kernels::sum_to(g, s), 1e-14, 1e-13);

  auto f = [](const Tensor& x) {
    return add(add(sum(mul(max(x, {1}, true), x)), mean(min(x, {0, 2}))), sum(var(x, {2}, true)));
  };
  const Tensor xc = kernels::rand_uniform({4, 3, 5}, 25, 0, -1, 1, DType::f64);
  const Tensor xg = gpu(xc);
  xc.set_requires_grad(true);
  xg.set_requires_grad(true);
  backward(f(xc));
  backward(f(xg));
  CHECK_CLOSE(host(xg.grad()), xc.grad(), 1e-12, 1e-11);
}
