// Model-level CPU-vs-CUDA parity (tests/model_parity_cases.h): a CaiT block with talking-heads
// attention (forward with and without gradients, backward), the small MS-CaiT extractor, an
// AllInOneBlock (k = 3 and k = 1) and the U-flow forward and backward with log-det and loss,
// and two Adam steps, in f32 and f64, at the demo's shapes and at the paper's widths where the
// CPU reference stays quick. The same case functions run on the CPU (f32 against f64, and a
// perturbed negative control) in tests/layers/test_model_parity_cases.cpp. Skipped without a GPU.
#include "model_parity_cases.h"
#include "tensor/cuda/math_mode.h"

using namespace uflow;
using namespace uflow::test;

namespace {

// CUDA against the CPU in the same dtype: f32 results differ by summation order only.
CaseOptions tol(DType dt) {
  CaseOptions o;
  o.rtol = dt == DType::f32 ? 2e-4 : 1e-10;
  return o;
}

template <typename Case>
void for_both_dtypes(const Case& run) {
  for (const DType dt : {DType::f32, DType::f64}) {
    CAPTURE(std::string(dtype_name(dt)));
    const ParityReport r = run(ParitySide{Device::cuda, dt}, ParitySide{Device::cpu, dt}, tol(dt));
    CHECK_PARITY_REPORT(r);
  }
}

}  // namespace

TEST_CASE("CUDA CaiT block (talking heads, layer scale) matches the CPU: forward and backward") {
  UFLOW_REQUIRE_CUDA_OR_SKIP();
  REQUIRE_FALSE(cuda::allow_tf32());
  for (const CaitBlockShape s : {CaitBlockShape{2, 196, 192, 4}, CaitBlockShape{2, 197, 384, 8},
                                 CaitBlockShape{1, 784, 768, 16}}) {
    CAPTURE(s.tokens);
    CAPTURE(s.dim);
    for_both_dtypes([&](auto dut, auto ref, auto o) { return cait_block_case(dut, ref, o, s); });
  }
}

TEST_CASE("CUDA small MS-CaiT extractor matches the CPU") {
  UFLOW_REQUIRE_CUDA_OR_SKIP();
  for_both_dtypes([](auto dut, auto ref, auto o) {
    return extractor_case(dut, ref, o, ExtractorShape{2, 448});
  });
}

TEST_CASE("CUDA AllInOneBlock matches the CPU: forward, log-det, backward (k = 3 and 1)") {
  UFLOW_REQUIRE_CUDA_OR_SKIP();
  for (const CouplingShape s : {CouplingShape{2, 48, 14, 3}, CouplingShape{2, 48, 14, 1},
                                CouplingShape{2, 816, 28, 3}, CouplingShape{2, 816, 28, 1}}) {
    CAPTURE(s.channels);
    CAPTURE(s.kernel);
    for_both_dtypes([&](auto dut, auto ref, auto o) { return all_in_one_case(dut, ref, o, s); });
  }
}

TEST_CASE("CUDA U-flow matches the CPU: latents, log-det, loss and every gradient") {
  UFLOW_REQUIRE_CUDA_OR_SKIP();
  // The tests' shapes and the demo's (features of the small extractor at 448 px).
  for (const std::vector<Shape>& f : {std::vector<Shape>{{48, 14, 14}, {96, 7, 7}},
                                      std::vector<Shape>{{192, 28, 28}, {192, 14, 14}}}) {
    CAPTURE(shape_str(f[0]));
    for_both_dtypes([&](auto dut, auto ref, auto o) { return u_flow_case(dut, ref, o, f, 2); });
  }
}

TEST_CASE("CUDA Adam steps match the CPU") {
  UFLOW_REQUIRE_CUDA_OR_SKIP();
  for_both_dtypes([](auto dut, auto ref, auto o) { return adam_case(dut, ref, o); });
}
