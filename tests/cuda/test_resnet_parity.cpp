// CPU vs CUDA for the ResNet extractor's new layers: max_pool2d (both padding paths) with its
// gradient, and a whole resnet18 up to layer3 with the same random weights, f32 and f64.
// Skipped without a GPU.
#include "cuda_parity_util.h"
#include "layers/max_pool.h"
#include "layers/resnet.h"

using namespace uflow;

TEST_CASE("CUDA max_pool2d matches the CPU (output and input gradient)") {
  UFLOW_REQUIRE_CUDA_OR_SKIP();
  for (const DType dt : {DType::f32, DType::f64}) {
    CAPTURE(dtype_name(dt));
    const Tensor x = test::random_input({2, 3, 9, 8}, 7, dt);  // mixed signs: the shifted path
    test::check_cuda_parity(
        [](const std::vector<Tensor>& in) { return max_pool2d(in[0], 3, 2, 1); }, {x}, 1e-6, 1e-6);
    test::check_cuda_parity(
        [](const std::vector<Tensor>& in) { return max_pool2d(relu(in[0]), 2, 2, 0); }, {x}, 1e-6,
        1e-6);
  }
}

TEST_CASE("CUDA resnet18 features match the CPU") {
  UFLOW_REQUIRE_CUDA_OR_SKIP();
  for (const DType dt : {DType::f32, DType::f64}) {
    CAPTURE(dtype_name(dt));
    Generator gen(5);
    ResNetFeatures cpu(resnet18_config(), gen);
    cpu.to(dt);
    Generator gen2(5);
    ResNetFeatures gpu(resnet18_config(), gen2);
    gpu.to(dt);
    gpu.to(Device::cuda);
    NoGradGuard no_grad;
    const Tensor x = test::random_input({2, 3, 64, 64}, 8, dt);
    const auto a = cpu.forward(x);
    const auto b = gpu.forward(kernels::to_device(x, Device::cuda));
    const double tol = dt == DType::f32 ? 1e-4 : 1e-10;
    for (size_t i = 0; i < 3; ++i) {
      CAPTURE(i);
      REQUIRE(b[i].is_cuda());
      CHECK_CLOSE(kernels::to_device(b[i], Device::cpu), a[i], tol, tol);
    }
  }
}
