// The counter-based RNG gives the same numbers on CPU and CUDA: identical bits for uniform,
// equal up to the last ulp of the device libm for normal.
#include <cmath>

#include "tensor/generator.h"
#include "test_util.h"

using namespace uflow;

TEST_CASE("uniform draws are bit-identical on CPU and CUDA") {
  UFLOW_REQUIRE_CUDA_OR_SKIP();
  for (DType dt : {DType::f32, DType::f64}) {
    for (uint64_t offset : {0ull, 12345ull, (1ull << 32) - 7}) {
      const auto c = kernels::rand_uniform({1001, 33}, 77, offset, -2, 5, dt).to_vector();
      const auto g =
          kernels::rand_uniform({1001, 33}, 77, offset, -2, 5, dt, Device::cuda).to_vector();
      CHECK(c == g);
    }
  }
}

TEST_CASE("normal draws agree on CPU and CUDA to within libm rounding") {
  UFLOW_REQUIRE_CUDA_OR_SKIP();
  for (DType dt : {DType::f32, DType::f64}) {
    INFO("dtype ", std::string(dtype_name(dt)));
    const auto c = kernels::rand_normal({200000}, 78, 5, 1, 2, dt).to_vector();
    const auto g = kernels::rand_normal({200000}, 78, 5, 1, 2, dt, Device::cuda).to_vector();
    REQUIRE(c.size() == g.size());
    double worst = 0;
    int64_t differ = 0;
    for (size_t i = 0; i < c.size(); ++i) {
      worst = std::max(worst, std::fabs(c[i] - g[i]) / (1 + std::fabs(c[i])));
      differ += c[i] != g[i];
    }
    CHECK(worst < (dt == DType::f32 ? 3e-7 : 1e-14));
    // Box–Muller runs in double, so f32 results differ only when a double rounding lands on a
    // float tie: almost never.
    if (dt == DType::f32) CHECK(differ < 20);
  }
}

TEST_CASE("a Generator gives the same tensors on either device") {
  UFLOW_REQUIRE_CUDA_OR_SKIP();
  Generator a(9), b(9);
  for (int i = 0; i < 3; ++i) {
    CHECK(a.uniform({17, 3}, 0, 1).to_vector() ==
          b.uniform({17, 3}, 0, 1, DType::f32, Device::cuda).to_vector());
    CHECK_CLOSE(b.normal({40}, 0, 1, DType::f64, Device::cuda), a.normal({40}, 0, 1, DType::f64),
                1e-14, 1e-14);
  }
}
