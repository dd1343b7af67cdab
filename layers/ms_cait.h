// MS-CaiT, U-Flow's frozen multi-scale feature extractor: two CaiT models, the first on the
// normalised image at its full size, the second on that tensor resized to the second model's
// size with bicubic interpolation (align_corners=True, A = -0.75, no antialiasing). Each is
// tapped after one block and passed through its final norm. Outputs are ordered finest first.
#pragma once
#include <memory>
#include <vector>

#include "layers/cait.h"
#include "layers/feature_extractor.h"

namespace uflow {

struct MsCaitScale {
  CaitConfig model;
  int64_t tap = 0;  // features are taken after blocks 0..tap
};

struct MsCaitConfig {
  std::vector<MsCaitScale> scales;  // finest first; scales[0].model.img_size is the input size
  int64_t input_size() const { return scales.at(0).model.img_size; }
};

// The paper's extractor: cait_m48_448 after block 40, cait_s24_224 after block 20.
MsCaitConfig ms_cait_paper_config();
// A small seeded random-weight extractor for demos and tests: D 192, 4 heads, patch 16, tapped
// after block `tap`, at `input` and input/2.
MsCaitConfig ms_cait_small_config(int64_t input = 448, int64_t depth = 2, int64_t tap = 1);

class MsCaitExtractor : public FeatureExtractor {
 public:
  // Builds only what forward needs (blocks 0..tap of each model, no class stage), frozen.
  MsCaitExtractor(const MsCaitConfig& cfg, Generator& gen);
  const MsCaitConfig& config() const { return cfg_; }
  Cait& model(size_t i) { return *models_.at(i); }
  const Cait& model(size_t i) const { return *models_.at(i); }
  // images: (B, 3, S, S) normalised. Returns one (B, D_s, G_s, G_s) map per scale, finest
  // first. Runs without recording gradients.
  std::vector<Tensor> forward(const Tensor& images) const override;
  // Feature shapes (C, H, W) per scale.
  std::vector<Shape> feature_shapes() const override;
  int64_t input_size() const override { return cfg_.input_size(); }
  void to(Device d) override;

 private:
  MsCaitConfig cfg_;
  std::vector<std::shared_ptr<Cait>> models_;
};

}  // namespace uflow
