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
#include "layers/feature_extractor.h"
#include "tensor/cuda/math_mode.h"

namespace uflow::app {

struct PredictOptions {
  contrario::NfaSettings nfa;  // nfa.size is also the side T of the anomaly maps
  int64_t batch = 8;
  Device device = Device::cpu;
  // GPU only (apps/model/inference_forward.h): the extractor's float32 math, and CUDA graphs
  // for repeated batch shapes.
  cuda::Precision extractor_precision = cuda::Precision::fp32;
  bool graph = false;
  // A mask whose size differs from its image's is an error unless this is set; then it is
  // resized to T×T like its image (which misplaces it when the aspect ratios differ).
  bool resize_masks = false;
  std::string model;  // the checkpoint, named when the model's outputs are not finite
};

// Runs the pipeline over samples. Ground truth is loaded for samples with a mask (resized to
// T×T with the same antialiased bilinear filter as images, then > 0.5) and is zeros otherwise.
// Every mask's size is compared with its image's before any work (see resize_masks); latents
// that are not finite (a model with absurd parameters) are an error naming opt.model and the
// batch's images.
std::vector<Prediction> predict_images(const FeatureExtractor& extractor, const UFlow& flow,
                                       const std::vector<Sample>& samples,
                                       const PredictOptions& opt,
                                       const std::function<void(const Prediction&)>& on_image = {});

// The image resized to T×T in [0, 1] (3, T, T), for overlays and reports.
Tensor display_image(const Sample& s, int64_t size);

}  // namespace uflow::app
