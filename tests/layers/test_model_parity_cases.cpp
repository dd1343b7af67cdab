// The model-level CPU-vs-CUDA parity cases (tests/model_parity_cases.h) run here on the CPU,
// f32 against f64: each case must pass at f32 tolerance, and fail once every parameter of the
// device under test is changed by 1%, so that a case that compares nothing, or compares a
// side with itself, cannot pass unnoticed on machines without a GPU.
#include "model_parity_cases.h"

using namespace uflow;
using namespace uflow::test;

namespace {

const ParitySide kCpu32{Device::cpu, DType::f32};
const ParitySide kCpu64{Device::cpu, DType::f64};

CaseOptions f32_vs_f64() {
  CaseOptions o;
  o.rtol = 1e-4;
  return o;
}
CaseOptions perturbed() {
  CaseOptions o = f32_vs_f64();
  o.perturb = 1e-2;
  return o;
}

}  // namespace

TEST_CASE("CaiT block case: f32 matches f64, a perturbed block does not") {
  const ParityReport r = cait_block_case(kCpu32, kCpu64, f32_vs_f64());
  CHECK_PARITY_REPORT(r);
  CHECK(r.size() >= 20);  // output twice, input gradient, every parameter's gradient
  CHECK_FALSE(cait_block_case(kCpu32, kCpu64, perturbed()).ok());
}

TEST_CASE("MS-CaiT extractor case: f32 matches f64, a perturbed extractor does not") {
  const ExtractorShape s{1, 224};
  CHECK_PARITY_REPORT(extractor_case(kCpu32, kCpu64, f32_vs_f64(), s));
  CHECK_FALSE(extractor_case(kCpu32, kCpu64, perturbed(), s).ok());
}

TEST_CASE("AllInOneBlock case: f32 matches f64 (k = 3 and 1), a perturbed block does not") {
  for (const int64_t k : {3, 1}) {
    CAPTURE(k);
    const CouplingShape s{2, 48, 14, k};
    CHECK_PARITY_REPORT(all_in_one_case(kCpu32, kCpu64, f32_vs_f64(), s));
    CHECK_FALSE(all_in_one_case(kCpu32, kCpu64, perturbed(), s).ok());
  }
}

TEST_CASE("U-flow case: f32 matches f64, a perturbed flow does not") {
  CHECK_PARITY_REPORT(u_flow_case(kCpu32, kCpu64, f32_vs_f64()));
  CHECK_FALSE(u_flow_case(kCpu32, kCpu64, perturbed()).ok());
}

TEST_CASE("Adam case: f32 matches f64, perturbed parameters do not") {
  CHECK_PARITY_REPORT(adam_case(kCpu32, kCpu64, f32_vs_f64()));
  CHECK_FALSE(adam_case(kCpu32, kCpu64, perturbed()).ok());
}
