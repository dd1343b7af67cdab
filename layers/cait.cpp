#include "layers/cait.h"

#include "layers/init.h"
#include "layers/module_list.h"

namespace uflow {

CaitConfig cait_config(const std::string& name) {
  struct Row {
    const char* name;
    int64_t img, dim, depth, heads;
    double init_values;
  };
  // timm's registered CaiT models (all patch 16, MLP ratio 4, two class-attention blocks).
  static const Row rows[] = {
      {"cait_xxs24_224", 224, 192, 24, 4, 1e-5}, {"cait_xxs24_384", 384, 192, 24, 4, 1e-5},
      {"cait_xxs36_224", 224, 192, 36, 4, 1e-5}, {"cait_xxs36_384", 384, 192, 36, 4, 1e-5},
      {"cait_xs24_384", 384, 288, 24, 6, 1e-5},  {"cait_s24_224", 224, 384, 24, 8, 1e-5},
      {"cait_s24_384", 384, 384, 24, 8, 1e-5},   {"cait_s36_384", 384, 384, 36, 8, 1e-6},
      {"cait_m36_384", 384, 768, 36, 16, 1e-6},  {"cait_m48_448", 448, 768, 48, 16, 1e-6},
  };
  std::string known;
  for (const Row& r : rows) {
    if (name == r.name) {
      CaitConfig c;
      c.name = r.name;
      c.img_size = r.img;
      c.dim = r.dim;
      c.depth = r.depth;
      c.heads = r.heads;
      c.init_values = r.init_values;
      return c;
    }
    known += std::string(known.empty() ? "" : ", ") + r.name;
  }
  UFLOW_FAIL("unknown CaiT model '", name, "' (known: ", known, ")");
}

std::vector<std::string> cait_config_names() {
  return {"cait_xxs24_224", "cait_xxs24_384", "cait_xxs36_224", "cait_xxs36_384", "cait_xs24_384",
          "cait_s24_224",   "cait_s24_384",   "cait_s36_384",   "cait_m36_384",   "cait_m48_448"};
}

Cait::Cait(const CaitConfig& cfg, Generator& gen, CaitParts parts) : cfg_(cfg) {
  UFLOW_CHECK(cfg.img_size % cfg.patch == 0, "CaiT ", cfg.name, ": image size ", cfg.img_size,
              " is not a multiple of the patch size ", cfg.patch);
  const int64_t D = cfg.dim;
  const int64_t n_blocks = parts.blocks < 0 ? cfg.depth : std::min(parts.blocks, cfg.depth);
  if (parts.class_stage) {
    cls_token_ = init::trunc_normal(gen, {1, 1, D}, 0.02);
    register_parameter("cls_token", &cls_token_);
  }
  pos_embed_ = init::trunc_normal(gen, {1, cfg.tokens(), D}, 0.02);
  register_parameter("pos_embed", &pos_embed_);
  patch_embed_ = register_module("patch_embed", std::make_shared<PatchEmbed>(cfg.patch, 3, D, gen));
  auto seq = std::make_shared<ModuleList>();
  for (int64_t i = 0; i < n_blocks; ++i)
    blocks_.push_back(seq->register_module(
        std::to_string(i), std::make_shared<LayerScaleBlock>(D, cfg.heads, cfg.mlp_ratio,
                                                             cfg.init_values, cfg.eps, gen)));
  register_module("blocks", seq);
  if (parts.class_stage) {
    auto seq2 = std::make_shared<ModuleList>();
    for (int64_t i = 0; i < cfg.depth_token_only; ++i)
      blocks_token_only_.push_back(seq2->register_module(
          std::to_string(i), std::make_shared<LayerScaleBlockClassAttn>(
                                 D, cfg.mlp_ratio, cfg.init_values, cfg.eps, gen)));
    register_module("blocks_token_only", seq2);
  }
  norm_ = register_module("norm", std::make_shared<LayerNorm>(D, cfg.eps));
  if (parts.class_stage)
    head_ = register_module("head", std::make_shared<Linear>(D, cfg.num_classes, true, gen));

  // timm's initialisation of linear layers: truncated normal (std 0.02), zero bias.
  for (auto& [name, p] : named_parameters()) {
    const bool linear_weight = name.size() > 7 && name.ends_with(".weight") && p.dim() == 2;
    const bool is_norm = name.find("norm") != std::string::npos;
    if (linear_weight && !is_norm) set_parameter(name, init::trunc_normal(gen, p.shape(), 0.02));
    if (name.ends_with(".bias") && !is_norm && name.find("patch_embed") == std::string::npos)
      set_parameter(name, kernels::zeros(p.shape()));
  }
}

std::vector<std::string> Cait::unbuilt_prefixes() const {
  std::vector<std::string> out;
  if (!cls_token_.defined()) out = {"cls_token", "blocks_token_only.", "head."};
  for (int64_t i = built_blocks(); i < cfg_.depth; ++i)
    out.push_back("blocks." + std::to_string(i) + ".");
  return out;
}

Tensor Cait::embed(const Tensor& image) const {
  return patch_embed_->forward(image) + pos_embed_;
}

Tensor Cait::forward_features(const Tensor& image, int64_t tap,
                              std::vector<Tensor>* block_outputs) const {
  UFLOW_CHECK(tap >= 0 && tap < built_blocks(), "CaiT ", cfg_.name, ": tap after block ", tap,
              " but only ", built_blocks(), " blocks are built");
  UFLOW_CHECK(image.dim() == 4 && image.size(1) == 3 && image.size(2) == cfg_.img_size &&
                  image.size(3) == cfg_.img_size,
              "CaiT ", cfg_.name, ": expected input (B, 3, ", cfg_.img_size, ", ", cfg_.img_size,
              "), got ", shape_str(image.shape()));
  Tensor x = embed(image);
  for (int64_t i = 0; i <= tap; ++i) {
    x = blocks_[i]->forward(x);
    if (block_outputs) block_outputs->push_back(x);
  }
  x = norm_->forward(x);  // (B, N, D)
  const int64_t B = x.size(0), G = cfg_.grid(), D = cfg_.dim;
  return reshape(transpose(x, 1, 2), {B, D, G, G});
}

}  // namespace uflow
