// The fixed part of inference on one batch: extractor -> flow -> anomaly map, with the
// extractor in the requested precision (tensor/cuda/math_mode.h) and, on request, replayed as a
// CUDA graph (tensor/cuda/graph.h) for batch shapes that repeat.
//
// With graphs, the first batch of a shape runs eagerly (the warm-up a capture needs: cuDNN
// algorithm search, table uploads), the second is captured and replayed, and later ones only
// refill the graph's input and replay it. The outputs of a replayed batch live in the graph's
// memory and are overwritten by the next batch of that shape: read them (or queue the work
// that reads them) before the next run(). A shape whose capture fails runs eagerly from then
// on, after a one-line notice on stderr.
#pragma once
#include <map>
#include <memory>
#include <vector>

#include "flow/u_flow.h"
#include "layers/feature_extractor.h"
#include "tensor/cuda/graph.h"
#include "tensor/cuda/math_mode.h"

namespace uflow::app {

class InferenceForward {
 public:
  struct Out {
    std::vector<Tensor> z;  // latents, finest first
    Tensor anomaly_map;     // (B, 1, T, T)
  };

  InferenceForward(const FeatureExtractor& extractor, const UFlow& flow, int64_t map_size,
                   cuda::Precision extractor_precision, bool graphs);
  InferenceForward(const InferenceForward&) = delete;
  InferenceForward& operator=(const InferenceForward&) = delete;

  // images: (B, 3, S, S) normalised, on the model's device.
  Out run(const Tensor& images);
  // How many batches were replayed from a graph, and how many graphs were captured.
  int64_t replays() const { return replays_; }
  int64_t captures() const { return captures_; }

 private:
  Out eager(const Tensor& images) const;

  struct Captured {
    Tensor input;  // refilled before each replay
    Out out;
    cuda::Graph graph;
  };
  enum class ShapeState { seen_once, captured, eager_only };

  const FeatureExtractor& extractor_;
  const UFlow& flow_;
  int64_t map_size_;
  cuda::Precision precision_;
  bool graphs_;
  std::map<Shape, ShapeState> state_;
  std::map<Shape, std::unique_ptr<Captured>> captured_;
  int64_t replays_ = 0, captures_ = 0;
};

}  // namespace uflow::app
