// The reduced float32 modes on the GPU (tensor/cuda/math_mode.h) do what they say: under tf32
// and bf16 a GEMM and a convolution differ from full f32 (the mode took effect) but stay within
// the rounding bound of their input format, (2ε + ε²)·Σ|a||b| per output with ε the format's
// machine epsilon, 2^-10 (TF32) or 2^-7 (bf16), which covers rounding by truncation too
// (convolutions run TF32 in both modes); float64 and the fp32 default are untouched.
// Skipped without a GPU.
#include <cmath>

#include "cuda_parity_util.h"
#include "tensor/cuda/math_mode.h"

using namespace uflow;
using cuda::Precision;
using uflow::test::gpu;
using uflow::test::host;

namespace {

// max over outputs of |got − exact| / (Σ|a||b| for that output): the error in units of the
// input rounding bound's scale.
double worst_relative_to_bound(const Tensor& got, const Tensor& exact, const Tensor& bound) {
  const std::vector<double> g = host(got).to_vector(), e = exact.to_vector(), b = bound.to_vector();
  double w = 0;
  for (size_t i = 0; i < g.size(); ++i) w = std::max(w, std::fabs(g[i] - e[i]) / b[i]);
  return w;
}

}  // namespace

TEST_CASE("tf32 and bf16 GEMMs differ from fp32 within their rounding bounds") {
  UFLOW_REQUIRE_CUDA_OR_SKIP();
  const Tensor a = kernels::rand_uniform({192, 384}, 1, 0, -1, 1, DType::f32);
  const Tensor b = kernels::rand_uniform({384, 160}, 2, 0, -1, 1, DType::f32);
  const Tensor exact =
      kernels::matmul(kernels::to_dtype(a, DType::f64), kernels::to_dtype(b, DType::f64));
  const Tensor bound =
      kernels::matmul(kernels::to_dtype(kernels::unary(UnaryOp::abs, a), DType::f64),
                      kernels::to_dtype(kernels::unary(UnaryOp::abs, b), DType::f64));
  const Tensor ag = kernels::to_device(a, Device::cuda), bg = kernels::to_device(b, Device::cuda);
  const double fp32 = worst_relative_to_bound(kernels::matmul(ag, bg), exact, bound);
  CHECK(fp32 < 1e-6);
  for (const auto& mode : {std::pair{Precision::tf32, std::ldexp(1.0, -10)},
                           std::pair{Precision::bf16, std::ldexp(1.0, -7)}}) {
    // Plain variables: clang's lambdas (CAPTURE) cannot capture a structured binding.
    const Precision p = mode.first;
    const double u = mode.second;
    CAPTURE(std::string(cuda::to_string(p)));
    cuda::PrecisionScope scope(p);
    const double w = worst_relative_to_bound(kernels::matmul(ag, bg), exact, bound);
    MESSAGE(cuda::to_string(p), ": worst error ", w, " of Σ|a||b| (bound ", 2 * u + u * u, ")");
    CHECK(w > 10 * fp32);  // the mode took effect
    CHECK(w <= 2 * u + u * u + 1e-6);
    // float64 is never reduced.
    const Tensor g64 =
        kernels::matmul(kernels::to_device(kernels::to_dtype(a, DType::f64), Device::cuda),
                        kernels::to_device(kernels::to_dtype(b, DType::f64), Device::cuda));
    CHECK_CLOSE(host(g64), exact, 1e-12, 1e-12);
  }
  CHECK(cuda::precision() == Precision::fp32);
}

TEST_CASE("convolutions run TF32 under tf32 and bf16, within the TF32 bound") {
  UFLOW_REQUIRE_CUDA_OR_SKIP();
  const Tensor x = kernels::rand_uniform({2, 64, 14, 14}, 3, 0, -1, 1, DType::f32);
  const Tensor w = kernels::rand_uniform({32, 64, 3, 3}, 4, 0, -1, 1, DType::f32);
  Conv2dOptions o;
  o.pad_h = o.pad_w = 1;
  auto f64 = [](const Tensor& t) { return kernels::to_dtype(t, DType::f64); };
  const Tensor exact = kernels::conv2d(f64(x), f64(w), Tensor(), o);
  const Tensor bound = kernels::conv2d(f64(kernels::unary(UnaryOp::abs, x)),
                                       f64(kernels::unary(UnaryOp::abs, w)), Tensor(), o);
  const Tensor xg = kernels::to_device(x, Device::cuda), wg = kernels::to_device(w, Device::cuda);
  const double fp32 = worst_relative_to_bound(kernels::conv2d(xg, wg, Tensor(), o), exact, bound);
  CHECK(fp32 < 1e-6);
  for (const Precision p : {Precision::tf32, Precision::bf16}) {
    CAPTURE(std::string(cuda::to_string(p)));
    cuda::PrecisionScope scope(p);
    const double e = worst_relative_to_bound(kernels::conv2d(xg, wg, Tensor(), o), exact, bound);
    MESSAGE(cuda::to_string(p), ": worst conv error ", e, " of Σ|x||w|");
    const double u = std::ldexp(1.0, -10);
    CHECK(e <= 2 * u + u * u + 1e-6);
  }
}
