// CPU vs CUDA for every reduction: both kernel shapes (reduced elements adjacent, and strided
// runs), rows longer than a block, runs cut into pieces (two passes: full reductions, bias
// gradients over B·N rows), argmax ties and exact indices beyond 2^24, variance, sum_to and
// the gradients.
#include "cuda_parity_util.h"

using namespace uflow;
using uflow::test::gpu;
using uflow::test::host;

TEST_CASE("sum, mean, max, min and var match on CPU and CUDA") {
  UFLOW_REQUIRE_CUDA_OR_SKIP();
  const std::vector<std::pair<Shape, std::vector<int64_t>>> cases{
      {{7, 300}, {1}},          // rows: K == 1
      {{7, 300}, {0}},          // columns: K > 1
      {{3, 5, 17, 4}, {1, 2}},  // a middle block
      {{3, 5, 17, 4}, {0, 3}},  // not a block: permuted copy
      {{3, 5, 17, 4}, {}},      // everything
      {{2, 100000}, {1}},       // rows much longer than a block
      {{4, 1}, {1}},
      {{1000003}, {0}},          // a full reduction: ~1000 pieces, then their combine
      {{16, 196, 768}, {0, 1}},  // a linear bias gradient: A = 1, R = B·N, K = D
      {{3, 5000, 2}, {1}}};      // strided runs cut into pieces
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
    for (int64_t dim : {0, 1}) CHECK(kernels::argmax(gpu(x), dim) == kernels::argmax(x, dim));
    const Tensor y = kernels::rand_uniform({2, 3, 4}, 23, 0, -1, 1, dt);
    for (int64_t dim : {0, 1, 2}) CHECK(kernels::argmax(gpu(y), dim) == kernels::argmax(y, dim));
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const Tensor z = Tensor::from_vector({1, nan, 3, nan, 5, 5, 2, 1}, {2, 4}, dt);
    CHECK(kernels::argmax(gpu(z), 1) == kernels::argmax(z, 1));
    // Long runs cut into pieces, ties everywhere: the first maximum across pieces.
    const Tensor w =
        kernels::unary(UnaryOp::sign, kernels::rand_uniform({3, 70000}, 24, 0, -3, 1, dt));
    for (int64_t dim : {0, 1}) CHECK(kernels::argmax(gpu(w), dim) == kernels::argmax(w, dim));
    const std::vector<double> mx = host(kernels::reduce(ReduceOp::max, gpu(z), {1})).to_vector();
    CHECK(std::isnan(mx[0]));
    CHECK(mx[1] == 5);
  }
}

TEST_CASE("argmax indices beyond 2^24 are exact on CUDA") {
  UFLOW_REQUIRE_CUDA_OR_SKIP();
  const int64_t n = (int64_t{1} << 24) + 8, at = (int64_t{1} << 24) + 5;
  Tensor x = kernels::zeros({n});
  x.data<float>()[at] = 1.0f;
  x.data<float>()[at + 1] = 1.0f;
  CHECK(kernels::argmax(gpu(x), 0) == std::vector<int64_t>{at});
  Tensor y = kernels::zeros({n, 2});
  y.data<float>()[2 * at + 1] = 1.0f;
  CHECK(kernels::argmax(gpu(y), 0) == std::vector<int64_t>{0, at});
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
