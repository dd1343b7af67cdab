// CPU vs CUDA for the fused affine coupling and its log-scale sum: values and every gradient,
// f32 and f64, at a U-Flow block's shapes (816 channels, 28×28) and an odd split. Skipped
// without a GPU.
#include "cuda_parity_util.h"

using namespace uflow;

TEST_CASE("CUDA fused affine coupling matches the CPU") {
  UFLOW_REQUIRE_CUDA_OR_SKIP();
  struct Case {
    int64_t B, C, H, W;
    bool scaled;
  };
  for (const Case c : {Case{2, 816, 28, 28, false}, Case{3, 5, 7, 5, true}}) {
    for (const DType dt : {DType::f32, DType::f64}) {
      CAPTURE(c.C);
      CAPTURE(dtype_name(dt));
      const int64_t c2 = c.C / 2;
      const CouplingSpec spec{c.C - c2, c2, 2.0, c.scaled};
      std::vector<int64_t> perm(c.C);  // i -> 7i + 3 mod C: a permutation, as 7 divides no C here
      for (int64_t i = 0; i < c.C; ++i) perm[i] = (i * 7 + 3) % c.C;
      const double tol = dt == DType::f32 ? 2e-5 : 1e-11;
      test::check_cuda_parity(
          [&](const std::vector<Tensor>& v) {
            return affine_coupling(v[0], v[1], v[2], v[3], perm, spec) +
                   reshape(coupling_log_scale_sum(v[1], spec), {v[0].size(0), 1, 1, 1});
          },
          {test::random_input({c.B, c.C, c.H, c.W}, 1, dt),
           kernels::affine_scalar(test::random_input({c.B, 2 * c2, c.H, c.W}, 2, dt), 8.0, 0.0),
           kernels::affine_scalar(test::random_input({1, c.C, 1, 1}, 3, dt), 0.4, 1.0),
           test::random_input({1, c.C, 1, 1}, 4, dt)},
          tol, tol);
    }
  }
}
