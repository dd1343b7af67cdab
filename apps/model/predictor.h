// Inference on a list of images: extractor -> flow -> anomaly map and image score -> NFA
// segmentation, in batches. Each finished image is handed to a callback (to write files)
// and collected for evaluation.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "apps/commands/evaluation.h"
#include "contrario/nfa_method.h"
#include "flow/u_flow.h"
#include "layers/ms_cait.h"

namespace uflow::app {

struct PredictOptions {
  contrario::NfaMethod nfa = contrario::NfaMethod::tree;
  bool guard = false;  // tree NFA: log P = 0 where t <= 1
  int64_t window = 5;  // block NFA
  double prob = 0.9;   // block NFA
  int64_t size = 256;  // T
  int64_t batch = 8;
  Device device = Device::cpu;
};

// The command line's --nfa, read once; `source` (the option) starts the error line.
contrario::NfaMethod parse_nfa_method(const std::string& text, const std::string& source);

// Runs the pipeline over samples. Ground truth is loaded for samples with a mask (resized to
// T×T with the same antialiased bilinear filter as images, then > 0.5) and is zeros otherwise.
std::vector<Prediction> predict_images(const MsCaitExtractor& extractor, const UFlow& flow,
                                       const std::vector<Sample>& samples,
                                       const PredictOptions& opt,
                                       const std::function<void(const Prediction&)>& on_image = {});

// The image resized to T×T in [0, 1] (3, T, T), for overlays and reports.
Tensor display_image(const Sample& s, int64_t size);

}  // namespace uflow::app
