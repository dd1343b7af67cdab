#include "apps/model/inference_forward.h"

#include <cstdio>

#include "flow/anomaly_map.h"

namespace uflow::app {

InferenceForward::InferenceForward(const FeatureExtractor& extractor, const UFlow& flow,
                                   int64_t map_size, cuda::Precision extractor_precision,
                                   bool graphs)
    : extractor_(extractor),
      flow_(flow),
      map_size_(map_size),
      precision_(extractor_precision),
      graphs_(graphs) {}

InferenceForward::Out InferenceForward::eager(const Tensor& images) const {
  NoGradGuard no_grad;
  std::vector<Tensor> features;
  {
    // The reduced precision is for the frozen extractor only; the flow runs in full f32.
    cuda::PrecisionScope scope(precision_);
    features = extractor_.forward(images);
  }
  UFlowOut z = flow_.forward(features);
  Out out;
  out.anomaly_map = anomaly_map(z.z, map_size_);
  out.z = std::move(z.z);
  return out;
}

InferenceForward::Out InferenceForward::run(const Tensor& images) {
  if (!graphs_ || !images.is_cuda()) return eager(images);
  const Shape shape = images.shape();
  auto state = state_.find(shape);
  if (state == state_.end()) {  // first batch of this shape: the warm-up
    state_[shape] = ShapeState::seen_once;
    return eager(images);
  }
  if (state->second == ShapeState::eager_only) return eager(images);
  if (state->second == ShapeState::seen_once) {
    auto c = std::make_unique<Captured>();
    c->input = Tensor::empty(shape, images.dtype(), images.device());
    kernels::copy_(c->input, images);
    try {
      Captured* raw = c.get();
      c->graph.capture([this, raw] { raw->out = eager(raw->input); });
    } catch (const Error& e) {
      std::fprintf(stderr, "uflow: %s; batches of shape %s run without a CUDA graph\n", e.what(),
                   shape_str(shape).c_str());
      state->second = ShapeState::eager_only;
      return eager(images);
    }
    state->second = ShapeState::captured;
    ++captures_;
    c->graph.replay();  // the capture recorded the work without running it
    ++replays_;
    const Out out = c->out;
    captured_[shape] = std::move(c);
    return out;
  }
  Captured& c = *captured_.at(shape);
  kernels::copy_(c.input, images);
  c.graph.replay();
  ++replays_;
  return c.out;
}

}  // namespace uflow::app
