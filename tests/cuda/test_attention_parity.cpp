// CPU vs CUDA for the fused talking-heads attention, f32 and f64, at the head counts CaiT uses
// (4 in the demo's model, 8 in cait_s24, 16 in cait_m48) and token counts that are not
// multiples of any block size. Skipped without a GPU.
#include "cuda_parity_util.h"
#include "tensor/cuda/math_mode.h"

using namespace uflow;

TEST_CASE("CUDA fused talking-heads attention matches the CPU") {
  UFLOW_REQUIRE_CUDA_OR_SKIP();
  CHECK_FALSE(cuda::allow_tf32());
  struct Case {
    int64_t B, N, D, H;
  };
  for (const Case c : {Case{2, 197, 64, 4}, Case{1, 197, 384, 8}, Case{2, 101, 96, 16}}) {
    for (const DType dt : {DType::f32, DType::f64}) {
      CAPTURE(c.N);
      CAPTURE(c.H);
      CAPTURE(dtype_name(dt));
      const Tensor qkv = test::random_input({c.B, c.N, 3 * c.D}, 1, dt);
      const Tensor wl = test::random_input({c.H, c.H}, 2, dt);
      const Tensor bl = test::random_input({c.H}, 3, dt);
      const Tensor ww = test::random_input({c.H, c.H}, 4, dt);
      const Tensor bw = test::random_input({c.H}, 5, dt);
      const double scale = 0.125;
      const Tensor cpu = kernels::talking_heads_attention(qkv, c.H, scale, wl, bl, ww, bw);
      auto dev = [](const Tensor& t) { return kernels::to_device(t, Device::cuda); };
      const Tensor gpu = kernels::talking_heads_attention(dev(qkv), c.H, scale, dev(wl), dev(bl),
                                                          dev(ww), dev(bw));
      REQUIRE(gpu.is_cuda());
      const double tol = dt == DType::f32 ? 1e-4 : 1e-11;
      CHECK_CLOSE(kernels::to_device(gpu, Device::cpu), cpu, tol, tol);
    }
  }
}
