// permute_dim on CUDA against the CPU.
#include "tensor/generator.h"
#include "test_util.h"

using namespace uflow;

TEST_CASE("permute_dim: CUDA equals CPU (f32, f64)") {
  UFLOW_REQUIRE_CUDA_OR_SKIP();
  for (DType dt : {DType::f32, DType::f64}) {
    Generator gen(1);
    Tensor x = gen.normal({3, 7, 5, 4}, 0, 1, dt);
    const std::vector<int64_t> perm{3, 6, 0, 1, 5, 2, 4};
    Tensor cpu = kernels::permute_dim(x, 1, perm);
    Tensor gpu = kernels::permute_dim(kernels::to_device(x, Device::cuda), 1, perm);
    CHECK_CLOSE(kernels::to_device(gpu, Device::cpu), cpu, 0, 0);
  }
}
