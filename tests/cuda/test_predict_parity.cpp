// The whole predict path on CUDA against the CPU (tests/predict_parity_case.h): anomaly maps,
// image scores, -log10 NFA maps and detection masks, tree and block NFA, on a small synthetic
// category with the demo's models; then CUDA graphs against eager CUDA (the replayed batches
// must agree), and the reduced extractor precisions against the CPU, reported, not asserted
// (their accuracy cost is measured by `uflow bench precision`). Skipped without a GPU.
#include "predict_parity_case.h"

using namespace uflow;
using namespace uflow::test;

TEST_CASE("CUDA predict path matches the CPU: maps, scores, NFA maps and masks") {
  UFLOW_REQUIRE_CUDA_OR_SKIP();
  ScratchDir dir("predict-parity-cuda");
  // 7 images in batches of 2: shapes 2, 2, 2, 1, so a CUDA graph is captured and replayed.
  const std::vector<app::Sample> samples = predict_samples(dir.file("category"), 7);
  for (const contrario::NfaMethod method :
       {contrario::NfaMethod::tree, contrario::NfaMethod::block}) {
    CAPTURE(std::string(contrario::to_string(method)));
    app::PredictOptions cpu;
    cpu.batch = 2;
    cpu.nfa.method = method;
    app::PredictOptions gpu = cpu;
    gpu.device = Device::cuda;
    CHECK_PARITY_REPORT(predict_case(samples, gpu, cpu, {}));

    app::PredictOptions graphed = gpu;
    graphed.graph = true;
    PredictParityOptions same;
    same.map_rtol = same.nfa_rtol = 1e-6;
    same.mask_share = 0;
    CHECK_PARITY_REPORT(predict_case(samples, graphed, gpu, same));
  }
  for (const cuda::Precision p : {cuda::Precision::tf32, cuda::Precision::bf16}) {
    app::PredictOptions cpu;
    cpu.batch = 2;
    app::PredictOptions gpu = cpu;
    gpu.device = Device::cuda;
    gpu.extractor_precision = p;
    PredictParityOptions report_only;
    const ParityReport r = predict_case(samples, gpu, cpu, report_only);
    MESSAGE("extractor precision ", cuda::to_string(p), " against the CPU in fp32: ", r.text());
    CHECK(std::isfinite(r.worst_scaled_error()));
  }
}
