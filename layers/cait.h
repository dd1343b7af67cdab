// CaiT (timm), patch tokens only: patch embedding + position embedding, self-attention
// blocks with talking heads and layer scale, final LayerNorm. U-Flow taps the tokens after
// block k, applies the final norm and folds them into a (D, G, G) feature map.
#pragma once
#include <string>
#include <vector>

#include "layers/class_attention_block.h"
#include "layers/layer_scale_block.h"
#include "layers/patch_embed.h"

namespace uflow {

struct CaitConfig {
  std::string name;
  int64_t img_size = 224;
  int64_t patch = 16;
  int64_t dim = 384;
  int64_t depth = 24;
  int64_t heads = 8;
  double mlp_ratio = 4.0;
  double init_values = 1e-5;
  double eps = 1e-6;
  int64_t depth_token_only = 2;
  int64_t num_classes = 1000;
  int64_t grid() const { return img_size / patch; }
  int64_t tokens() const { return grid() * grid(); }
};

// The ten timm variants (cait_xxs24_224 … cait_m48_448); throws listing them for an unknown
// name.
CaitConfig cait_config(const std::string& name);
std::vector<std::string> cait_config_names();

// Which parts to build. The extractor needs only blocks 0..tap; a full model (for manifests
// and weight files that contain everything) also has the class-attention stage and head.
struct CaitParts {
  int64_t blocks = -1;      // number of self-attention blocks to build; -1 = config depth
  bool class_stage = true;  // cls_token, blocks_token_only, head
};

class Cait : public Module {
 public:
  Cait(const CaitConfig& cfg, Generator& gen, CaitParts parts = {});
  const CaitConfig& config() const { return cfg_; }
  int64_t built_blocks() const { return static_cast<int64_t>(blocks_.size()); }
  // Key prefixes of a full timm state_dict that this model has no parameters for: the blocks
  // after built_blocks() and, without the class stage, cls_token, blocks_token_only and head.
  std::vector<std::string> unbuilt_prefixes() const;

  // The tokens entering block 0: patch embedding plus position embedding, (B, N, D).
  Tensor embed(const Tensor& image) const;
  // Runs blocks 0..tap, applies the final norm and returns (B, D, G, G):
  // feat[c, h, w] = token[h·G + w, c]. Optionally records each block's output tokens.
  Tensor forward_features(const Tensor& image, int64_t tap,
                          std::vector<Tensor>* block_outputs = nullptr) const;

 private:
  std::shared_ptr<PatchEmbed> patch_embed_;
  Tensor pos_embed_, cls_token_;
  std::vector<std::shared_ptr<LayerScaleBlock>> blocks_;
  std::vector<std::shared_ptr<LayerScaleBlockClassAttn>> blocks_token_only_;
  std::shared_ptr<LayerNorm> norm_;
  std::shared_ptr<Linear> head_;
  CaitConfig cfg_;
};

}  // namespace uflow
