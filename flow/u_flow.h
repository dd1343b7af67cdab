// The U-shaped normalizing flow. Built coarse to fine: each scale runs `steps` coupling
// blocks; all but the finest then split their channels, emit the second part as that scale's
// latent z, and pass the first part up through an invertible 2× pixel shuffle, where it is
// concatenated after the next finer scale's features. Latents are returned finest first and
// the total latent size equals the total feature size. Diagram and derivation:
// docs/u-flow.md §1-4.
#pragma once
#include <vector>

#include "flow/all_in_one_block.h"
#include "layers/layer_norm.h"

namespace uflow {

struct UFlowConfig {
  std::vector<Shape> features;         // (C, H, W) per scale, finest first; H halves scale to scale
  int64_t steps = 4;                   // coupling blocks per scale
  std::vector<int64_t> kernels{3, 1};  // subnet kernel of block j is kernels[j % size]
  AllInOneConfig block;                // channels and kernel are filled in per block
  // A trainable LayerNorm over (C, H, W) of each scale's features before the first block
  // (weight 1, bias 0, eps 1e-5): the ResNet extractors' feature normalisation, trained with
  // the flow as in the reference (docs/extractor.md §3). It is not part of the bijection:
  // log_det and inverse() cover the coupling blocks only.
  bool feature_norm = false;
};

struct UFlowOut {
  std::vector<Tensor> z;  // finest first, (B, C_z, H, W)
  Tensor log_det;         // (B,)
  // Each block's share of log_det, (B,) each, in the order the blocks ran (forward: coarsest
  // scale first, docs/u-flow.md §4).
  std::vector<Tensor> block_log_det;
};

class UFlow : public Module {
 public:
  UFlow(const UFlowConfig& cfg, Generator& gen);
  UFlowOut forward(const std::vector<Tensor>& features) const;
  // Maps latents (finest first) back to features (finest first); log_det is that direction's.
  // With feature_norm these are the normalised features (normalize(x), what the blocks see).
  UFlowOut inverse(const std::vector<Tensor>& z) const;
  // The features as the first blocks see them: through the feature LayerNorms when
  // config().feature_norm, unchanged otherwise.
  std::vector<Tensor> normalize(const std::vector<Tensor>& features) const;
  // Draws z ~ N(0, 1) for a batch and maps it to features.
  std::vector<Tensor> sample(int64_t batch, Generator& gen, DType dtype = DType::f32,
                             Device device = Device::cpu) const;

  const UFlowConfig& config() const { return cfg_; }
  std::vector<Shape> latent_shapes() const;  // (C, H, W) per scale, finest first
  // blocks(s) are scale s's coupling blocks in order (s = 0 finest).
  const std::vector<std::shared_ptr<AllInOneBlock>>& blocks(size_t s) const { return blocks_[s]; }

 private:
  UFlowConfig cfg_;
  std::vector<std::vector<std::shared_ptr<AllInOneBlock>>> blocks_;  // per scale
  std::vector<std::shared_ptr<LayerNorm>> norms_;                    // per scale, with feature_norm
  std::vector<int64_t> stage_channels_;  // channels entering the blocks of each scale
  std::vector<int64_t> up_channels_;     // channels each coarser scale sends up (before shuffle)
};

}  // namespace uflow
