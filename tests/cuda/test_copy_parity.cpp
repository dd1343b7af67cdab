// Copies that convert dtype on the device (f32 <-> f64) with strides, broadcasting and across
// devices, against the same copies on the CPU: conversions round the same way, so exactly.
// Skipped without a GPU.
#include "cuda_parity_util.h"

using namespace uflow;
using uflow::test::gpu;
using uflow::test::host;

namespace {

// Views of a (4, 6, 5) tensor that are not contiguous: transposed, strided, broadcast.
std::vector<Tensor> views_of(const Tensor& x) {
  return {kernels::transpose(x, 0, 2), kernels::slice(x, 1, 1, 6, 2),
          kernels::expand(kernels::slice(x, 0, 2, 3), {3, 6, 5}), kernels::permute(x, {1, 2, 0})};
}

}  // namespace

TEST_CASE("to_dtype of strided views converts on the device exactly as on the CPU") {
  UFLOW_REQUIRE_CUDA_OR_SKIP();
  for (const auto& conversion :
       {std::pair{DType::f32, DType::f64}, std::pair{DType::f64, DType::f32}}) {
    // Plain variables, not a structured binding: lambdas (CAPTURE, run) cannot capture those
    // under clang.
    const DType from = conversion.first, to = conversion.second;
    CAPTURE(std::string(dtype_name(from)));
    const Tensor x =
        kernels::to_dtype(kernels::rand_normal({4, 6, 5}, 3, 0, 0.0, 1e3, DType::f64), from);
    const std::vector<Tensor> vc = views_of(x), vg = views_of(gpu(x));
    for (size_t i = 0; i < vc.size(); ++i) {
      CAPTURE(i);
      const Tensor g = kernels::to_dtype(vg[i], to);
      CHECK(g.is_cuda());
      CHECK(g.dtype() == to);
      CHECK_CLOSE(host(g), kernels::to_dtype(vc[i], to), 0, 0);
    }
  }
}

TEST_CASE("copy_ into strided destinations of another dtype, broadcasting, across devices") {
  UFLOW_REQUIRE_CUDA_OR_SKIP();
  for (const auto& conversion :
       {std::pair{DType::f32, DType::f64}, std::pair{DType::f64, DType::f32}}) {
    // Plain variables, not a structured binding: lambdas (CAPTURE, run) cannot capture those
    // under clang.
    const DType from = conversion.first, to = conversion.second;
    CAPTURE(std::string(dtype_name(from)));
    const Tensor src =
        kernels::to_dtype(kernels::rand_normal({8, 6}, 4, 0, 0.0, 1.0, DType::f64), from);
    const Tensor row =
        kernels::to_dtype(kernels::rand_normal({1, 6}, 5, 0, 0.0, 1.0, DType::f64), from);
    auto run = [&](Device d, Device src_device) {
      Tensor dst = kernels::zeros({6, 16}, to, d);
      // Every other column of dst, from a transposed source of the other dtype.
      kernels::copy_(kernels::slice(dst, 1, 0, 16, 2),
                     kernels::transpose(kernels::to_device(src, src_device), 0, 1));
      // A column broadcast over the first four odd columns.
      kernels::copy_(kernels::slice(kernels::slice(dst, 1, 1, 16, 2), 1, 0, 4),
                     kernels::transpose(kernels::to_device(row, src_device), 0, 1));
      return host(dst);
    };
    const Tensor ref = run(Device::cpu, Device::cpu);
    CHECK_CLOSE(run(Device::cuda, Device::cuda), ref, 0, 0);
    CHECK_CLOSE(run(Device::cuda, Device::cpu), ref, 0, 0);  // converting while crossing over
    CHECK_CLOSE(run(Device::cpu, Device::cuda), ref, 0, 0);
  }
}
