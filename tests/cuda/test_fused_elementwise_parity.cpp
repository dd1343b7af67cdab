// CPU vs CUDA for the fused row-broadcast ops bias_gelu and scaled_residual (outputs and the
// gradients of every input, contiguous and transposed operands), the raw bias_gelu_backward
// kernel, and the bias-accumulating GEMM matmul_bias, in f32 and f64. Skipped without a GPU.
#include "cuda_parity_util.h"
#include "tensor/cuda/math_mode.h"

using namespace uflow;
using test::gpu;
using test::host;
using test::random_input;

namespace {

// f32: the GPU's erfc against the CPU's vectorised normal CDF (relative error below 1.2e-7,
// tensor/cpu/vector_math.h), a possible FMA in gamma·y + x on the GPU, and the column sums of
// the vector's gradient (up to 200 rows here) in another order.
struct Tol {
  double atol, rtol;
};
Tol tol_for(DType dt) {
  return dt == DType::f32 ? Tol{1e-4, 1e-4} : Tol{1e-12, 1e-12};
}

const std::vector<Shape> kShapes{{7}, {2, 5, 37}, {4, 50, 192}};

}  // namespace

TEST_CASE("CUDA bias_gelu and scaled_residual match the CPU with their gradients") {
  UFLOW_REQUIRE_CUDA_OR_SKIP();
  for (DType dt : {DType::f32, DType::f64})
    for (const Shape& s : kShapes) {
      INFO("dtype ", std::string(dtype_name(dt)), ", shape ", shape_str(s));
      const Tol t = tol_for(dt);
      const Shape vs{s.back()};
      test::check_cuda_parity([](const std::vector<Tensor>& in) { return bias_gelu(in[0], in[1]); },
                              {random_input(s, 1, dt), random_input(vs, 2, dt)}, t.atol, t.rtol);
      test::check_cuda_parity(
          [](const std::vector<Tensor>& in) { return scaled_residual(in[0], in[1], in[2]); },
          {random_input(s, 3, dt), random_input(vs, 4, dt), random_input(s, 5, dt)}, t.atol,
          t.rtol);
    }
}

TEST_CASE("CUDA bias_gelu and scaled_residual read transposed operands like the CPU") {
  UFLOW_REQUIRE_CUDA_OR_SKIP();
  for (DType dt : {DType::f32, DType::f64}) {
    INFO("dtype ", std::string(dtype_name(dt)));
    const Tol t = tol_for(dt);
    test::check_cuda_parity(
        [](const std::vector<Tensor>& in) { return bias_gelu(transpose(in[0], 0, 1), in[1]); },
        {random_input({33, 20}, 6, dt), random_input({33}, 7, dt)}, t.atol, t.rtol);
    test::check_cuda_parity(
        [](const std::vector<Tensor>& in) {
          return scaled_residual(transpose(in[0], 0, 1), in[1], in[2]);
        },
        {random_input({33, 20}, 8, dt), random_input({33}, 9, dt), random_input({20, 33}, 10, dt)},
        t.atol, t.rtol);
  }
}

TEST_CASE("CUDA bias_gelu_backward matches the CPU kernel") {
  UFLOW_REQUIRE_CUDA_OR_SKIP();
  for (DType dt : {DType::f32, DType::f64}) {
    INFO("dtype ", std::string(dtype_name(dt)));
    const Tol t = tol_for(dt);
    const Tensor u = kernels::rand_uniform({16, 3072}, 11, 0, -4.0, 4.0, dt);
    const Tensor b = random_input({3072}, 12, dt), g = random_input({16, 3072}, 13, dt);
    CHECK_CLOSE(host(kernels::bias_gelu_backward(gpu(u), gpu(b), gpu(g))),
                kernels::bias_gelu_backward(u, b, g), t.atol, t.rtol);
  }
}

TEST_CASE("CUDA matmul_bias matches the CPU (2-d, batched, empty inner dimension)") {
  UFLOW_REQUIRE_CUDA_OR_SKIP();
  CHECK_FALSE(cuda::allow_tf32());  // parity needs full float precision
  for (DType dt : {DType::f32, DType::f64}) {
    INFO("dtype ", std::string(dtype_name(dt)));
    const double tol = dt == DType::f32 ? 2e-4 : 1e-10;
    const Tensor a = random_input({37, 257}, 14, dt), w = random_input({65, 257}, 15, dt);
    const Tensor bias = random_input({65}, 16, dt);
    CHECK_CLOSE(host(kernels::matmul_bias(gpu(a), gpu(w), gpu(bias), false, true)),
                kernels::matmul_bias(a, w, bias, false, true), tol, tol);
    const Tensor a3 = random_input({3, 37, 257}, 17, dt);
    const Tensor wt = kernels::contiguous(kernels::transpose(w, 0, 1));
    CHECK_CLOSE(host(kernels::matmul_bias(gpu(a3), gpu(wt), gpu(bias))),
                kernels::matmul_bias(a3, wt, bias), tol, tol);
    const Tensor e0 = kernels::zeros({3, 0}, dt), e1 = kernels::zeros({0, 65}, dt);
    CHECK_CLOSE(host(kernels::matmul_bias(gpu(e0), gpu(e1), gpu(bias))),
                kernels::matmul_bias(e0, e1, bias), 0.0, 0.0);
  }
}
