// A frozen ResNet (layers/resnet.h) as U-Flow's feature extractor, as the U-Flow reference and
// anomalib offer it besides MS-CaiT: the outputs of layer1, layer2 and layer3 (strides 4, 8
// and 16) of the normalised image, finest first. Their per-scale LayerNorm is trained with the
// flow and so lives there (UFlowConfig::feature_norm), not here. docs/extractor.md §3.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "layers/feature_extractor.h"
#include "layers/resnet.h"

namespace uflow {

// The feature shapes (C, H, W) of layer1, layer2 and layer3 for a square input of that side.
std::vector<Shape> resnet_feature_shapes(const ResNetConfig& config, int64_t input_size);

class ResNetExtractor : public FeatureExtractor {
 public:
  // input_size: side of the square input, a multiple of 16 (so that each scale is exactly
  // half the size of the finer one). Weights from gen; load real ones into model().
  ResNetExtractor(const ResNetConfig& config, int64_t input_size, Generator& gen);
  ResNetFeatures& model() { return *model_; }
  const ResNetFeatures& model() const { return *model_; }
  // Prefixes of a full ResNet's state_dict keys that the extractor never runs (layer4, the
  // classifier) or does not hold (BatchNorm's num_batches_tracked counters), for loading.
  std::vector<std::string> unbuilt_prefixes() const;

  std::vector<Tensor> forward(const Tensor& images) const override;
  std::vector<Shape> feature_shapes() const override;
  int64_t input_size() const override { return input_size_; }
  void to(Device d) override { model_->to(d); }

 private:
  std::shared_ptr<ResNetFeatures> model_;
  int64_t input_size_;
};

}  // namespace uflow
