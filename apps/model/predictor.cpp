#include "apps/model/predictor.h"

#include <algorithm>

#include "apps/cli/progress.h"
#include "apps/model/features.h"
#include "apps/model/inference_forward.h"
#include "flow/anomaly_map.h"
#include "imaging/image_io.h"
#include "imaging/preprocess.h"
#include "weights/finite_check.h"

namespace uflow::app {
namespace {

Tensor ground_truth(const Sample& s, int64_t size) {
  if (s.mask.empty()) return kernels::zeros({size, size});
  Tensor m = kernels::unsqueeze(load_image_gray(s.mask), 0);
  const bool shrinking = m.size(2) > size || m.size(3) > size;
  m = kernels::interpolate(m, size, size, InterpMode::bilinear, false, shrinking);
  m = kernels::binary(BinaryOp::gt, m, Tensor::scalar(0.5));
  return kernels::reshape(m, {size, size});
}

// Masks are compared by their headers, before any image is decoded or any feature computed.
void check_mask_sizes(const std::vector<Sample>& samples) {
  for (const Sample& s : samples) {
    if (s.mask.empty()) continue;
    const ImageInfo mask = read_image_info(s.mask), image = read_image_info(s.image);
    UFLOW_CHECK(mask.width == image.width && mask.height == image.height, s.mask, ": mask is ",
                mask.width, "x", mask.height, " pixels but its image ", s.image, " is ",
                image.width, "x", image.height, " (--resize-masks resizes masks to their images)");
  }
}

}  // namespace

Tensor display_image(const Sample& s, int64_t size) {
  return resize_image(load_image_rgb(s.image), size);
}

std::vector<Prediction> predict_images(const FeatureExtractor& extractor, const UFlow& flow,
                                       const std::vector<Sample>& samples,
                                       const PredictOptions& opt,
                                       const std::function<void(const Prediction&)>& on_image) {
  if (!opt.resize_masks) check_mask_sizes(samples);
  NoGradGuard no_grad;
  const int64_t n = static_cast<int64_t>(samples.size());
  const int64_t T = opt.nfa.size;
  std::vector<Prediction> out;
  InferenceForward forward(extractor, flow, T, opt.extractor_precision, opt.graph);
  Progress bar("predict", n);
  for (int64_t start = 0; start < n; start += opt.batch) {
    const int64_t end = std::min(n, start + opt.batch);
    std::vector<Sample> chunk(samples.begin() + start, samples.begin() + end);
    Tensor images = kernels::to_device(load_image_batch(chunk, extractor.input_size()), opt.device);
    const InferenceForward::Out z = forward.run(images);
    UFLOW_CHECK(all_finite(z.z), opt.model, ": the model's latents are not finite for ",
                chunk.front().image, chunk.size() > 1 ? " (or another image of its batch)" : "",
                "; its parameters are out of any trained range");
    Tensor amap = kernels::to_device(z.anomaly_map, Device::cpu);
    Tensor scores = image_scores(amap);
    const contrario::NfaResult nfa = contrario::run_nfa(z.z, opt.nfa);
    Tensor nfa_score = kernels::to_device(nfa.score, Device::cpu);
    const std::vector<double> sv = scores.to_vector();
    for (int64_t i = 0; i < end - start; ++i) {
      Prediction p;
      p.sample = chunk[i];
      p.anomaly_map = kernels::contiguous(kernels::reshape(kernels::narrow(amap, 0, i, 1), {T, T}));
      p.neg_log_nfa =
          kernels::contiguous(kernels::reshape(kernels::narrow(nfa_score, 0, i, 1), {T, T}));
      p.ground_truth = ground_truth(chunk[i], T);
      p.score = sv[i];
      const std::vector<float> nfa_values = p.neg_log_nfa.to_floats();
      p.max_neg_log_nfa = *std::max_element(nfa_values.begin(), nfa_values.end());
      if (on_image) on_image(p);
      out.push_back(std::move(p));
    }
    bar.advance(end - start);
  }
  bar.finish();
  return out;
}

}  // namespace uflow::app
