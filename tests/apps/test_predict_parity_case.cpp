// The predict-path parity case of tests/cuda/test_predict_parity.cpp (tests/predict_parity_case.h)
// run on the CPU: the GPU-only options (CUDA graphs, reduced extractor precision) must change
// nothing there, bit for bit, with both NFA methods; and the case must catch a flow whose
// parameters differ by 1%.
#include "predict_parity_case.h"

using namespace uflow;
using namespace uflow::test;

TEST_CASE(
    "predict parity case on the CPU: GPU-only options are no-ops, a perturbed flow is caught") {
  ScratchDir dir("predict-parity");
  const std::vector<app::Sample> samples = predict_samples(dir.file("category"), 4);
  REQUIRE(samples.size() == 4);
  PredictParityOptions exact;
  exact.map_rtol = exact.nfa_rtol = exact.mask_share = 0;
  for (const contrario::NfaMethod method :
       {contrario::NfaMethod::tree, contrario::NfaMethod::block}) {
    CAPTURE(std::string(contrario::to_string(method)));
    app::PredictOptions ref;
    ref.batch = 2;
    ref.nfa.method = method;
    app::PredictOptions dut = ref;
    dut.graph = true;
    dut.extractor_precision = cuda::Precision::bf16;
    const ParityReport r = predict_case(samples, dut, ref, exact);
    CHECK_PARITY_REPORT(r);
    CHECK(r.size() == 4 * 4 + 1);  // map, score, NFA map and mask per image, and the count
  }
  app::PredictOptions opt;
  opt.batch = 2;
  PredictParityOptions perturbed;
  perturbed.perturb = 1e-2;
  CHECK_FALSE(predict_case(samples, opt, opt, perturbed).ok());
}
