// The whole predict path (apps/model/predictor.h: images -> extractor -> flow -> anomaly maps,
// image scores, -log10 NFA maps and detection masks, tree or block NFA) run with two sets of
// options, e.g. CUDA against the CPU (tests/cuda/test_predict_parity.cpp), or on the CPU with
// the GPU-only options on against off plus a perturbed negative control
// (tests/apps/test_predict_parity_case.cpp). Models: the demo's small extractor and a U-flow
// with randomised parameters (tests/model_parity.h), on a small synthetic category.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "apps/data/dataset.h"
#include "apps/demo/synthetic_data.h"
#include "apps/model/model_spec.h"
#include "apps/model/predictor.h"
#include "model_parity.h"

namespace uflow::test {

struct PredictParityOptions {
  double map_rtol = 1e-4;    // anomaly maps and scores, relative to the map's maximum
  double nfa_rtol = 1e-3;    // -log10 NFA maps, relative to their maximum
  double mask_share = 1e-3;  // share of mask pixels allowed to differ (ties of the NFA's tree)
  double perturb = 0;        // relative change of the device under test's flow parameters
};

// A synthetic category with `images` test images (good ones and one per defect kind).
inline std::vector<app::Sample> predict_samples(const std::string& root, int64_t images) {
  app::SyntheticSpec spec;
  spec.size = 96;
  spec.train = 1;
  spec.test_per_defect = 1;
  spec.test_good = std::max<int64_t>(images - 3, 1);
  app::write_synthetic_category(root, spec);
  return app::scan_mvtec(root).test;
}

inline std::vector<app::Prediction> predict_with(const std::vector<app::Sample>& samples,
                                                 const app::PredictOptions& opt, double perturb) {
  app::ModelSpec spec;  // the demo's small extractor at 448 px, maps at 256
  std::unique_ptr<FeatureExtractor> extractor = build_extractor(spec);
  extractor->to(opt.device);
  std::unique_ptr<UFlow> flow = build_flow(spec);
  randomize_parameters(*flow, 91);
  if (perturb != 0) perturb_parameters(*flow, perturb);
  flow->to(opt.device);
  return app::predict_images(*extractor, *flow, samples, opt);
}

inline ParityReport predict_case(const std::vector<app::Sample>& samples,
                                 const app::PredictOptions& dut, const app::PredictOptions& ref,
                                 const PredictParityOptions& o) {
  ParityReport r;
  const std::vector<app::Prediction> pd = predict_with(samples, dut, o.perturb);
  const std::vector<app::Prediction> pr = predict_with(samples, ref, 0);
  r.expect("one prediction per image", pd.size() == pr.size() && pd.size() == samples.size());
  for (size_t i = 0; i < pd.size() && i < pr.size(); ++i) {
    const std::string at = " of " + pr[i].sample.name;
    r.compare("anomaly map" + at, pd[i].anomaly_map, pr[i].anomaly_map, o.map_rtol);
    r.compare("score" + at, Tensor::scalar(pd[i].score, DType::f64),
              Tensor::scalar(pr[i].score, DType::f64), o.map_rtol);
    r.compare("-log10 NFA" + at, pd[i].neg_log_nfa, pr[i].neg_log_nfa, o.nfa_rtol);
    const std::vector<float> nd = pd[i].neg_log_nfa.to_floats(), nr = pr[i].neg_log_nfa.to_floats();
    int64_t differ = 0;
    for (size_t k = 0; k < nd.size() && k < nr.size(); ++k) differ += (nd[k] > 0) != (nr[k] > 0);
    r.expect("detection mask" + at + " (" + std::to_string(differ) + " pixels differ)",
             static_cast<double>(differ) <= o.mask_share * static_cast<double>(nr.size()));
  }
  return r;
}

}  // namespace uflow::test
