#include "flow/u_flow.h"

#include <string>

#include "layers/module_list.h"

namespace uflow {

UFlow::UFlow(const UFlowConfig& cfg, Generator& gen) : cfg_(cfg) {
  const size_t S = cfg.features.size();
  UFLOW_CHECK(S >= 1, "UFlow needs at least one scale");
  UFLOW_CHECK(cfg.steps >= 1 && !cfg.kernels.empty(), "UFlow needs steps >= 1 and kernels");
  for (size_t s = 0; s + 1 < S; ++s)
    UFLOW_CHECK(cfg.features[s].size() == 3 && cfg.features[s][1] == 2 * cfg.features[s + 1][1] &&
                    cfg.features[s][2] == 2 * cfg.features[s + 1][2],
                "UFlow: scale ", s, " ", shape_str(cfg.features[s]),
                " must be twice the size of scale ", s + 1, " ", shape_str(cfg.features[s + 1]));
  blocks_.resize(S);
  stage_channels_.assign(S, 0);
  up_channels_.assign(S, 0);
  // Module indices follow the reference graph's module list: for each scale from the
  // coarsest, its blocks, then (except at the finest) split, upsampling and concatenation,
  // which hold no parameters but take an index each.
  auto list = std::make_shared<ModuleList>();
  int64_t index = 0;
  int64_t channels = cfg.features[S - 1][0];
  for (size_t s = S; s-- > 0;) {
    stage_channels_[s] = channels;
    for (int64_t j = 0; j < cfg.steps; ++j) {
      AllInOneConfig bc = cfg.block;
      bc.channels = channels;
      bc.kernel = cfg.kernels[j % cfg.kernels.size()];
      blocks_[s].push_back(
          list->register_module(std::to_string(index++), std::make_shared<AllInOneBlock>(bc, gen)));
    }
    if (s == 0) break;
    const int64_t up = channels / 8 * 4;
    UFLOW_CHECK(up > 0, "UFlow: scale ", s, " has too few channels (", channels, ") to split");
    up_channels_[s] = up;
    channels = cfg.features[s - 1][0] + up / 4;
    index += 3;  // split, upsampling, concatenation
  }
  register_module("module_list", list);
  if (cfg.feature_norm) {
    auto norms = register_module("feature_norms", std::make_shared<ModuleList>());
    for (size_t s = 0; s < S; ++s)
      norms_.push_back(norms->register_module(std::to_string(s),
                                              std::make_shared<LayerNorm>(cfg.features[s], 1e-5)));
  }
}

std::vector<Tensor> UFlow::normalize(const std::vector<Tensor>& features) const {
  if (norms_.empty()) return features;
  std::vector<Tensor> out;
  for (size_t s = 0; s < features.size(); ++s) out.push_back(norms_.at(s)->forward(features[s]));
  return out;
}

std::vector<Shape> UFlow::latent_shapes() const {
  std::vector<Shape> out;
  for (size_t s = 0; s < cfg_.features.size(); ++s) {
    const int64_t c = s == 0 ? stage_channels_[0] : stage_channels_[s] - up_channels_[s];
    out.push_back({c, cfg_.features[s][1], cfg_.features[s][2]});
  }
  return out;
}

UFlowOut UFlow::forward(const std::vector<Tensor>& features) const {
  const size_t S = cfg_.features.size();
  UFLOW_CHECK(features.size() == S, "UFlow: ", features.size(), " feature maps for ", S, " scales");
  for (size_t s = 0; s < S; ++s)
    UFLOW_CHECK(features[s].dim() == 4 && Shape(features[s].shape().begin() + 1,
                                                features[s].shape().end()) == cfg_.features[s],
                "UFlow: scale ", s, " features ", shape_str(features[s].shape()), ", expected (B, ",
                shape_str(cfg_.features[s]).substr(1));
  const std::vector<Tensor> x = normalize(features);
  UFlowOut out;
  out.z.resize(S);
  Tensor h = x[S - 1];
  for (size_t s = S; s-- > 0;) {
    for (const auto& block : blocks_[s]) {
      FlowOut r = block->forward(h);
      h = r.y;
      out.block_log_det.push_back(r.log_det);
      out.log_det = out.log_det.defined() ? out.log_det + r.log_det : r.log_det;
    }
    if (s == 0) {
      out.z[0] = h;
      break;
    }
    const int64_t up = up_channels_[s];
    out.z[s] = narrow(h, 1, up, h.size(1) - up);
    h = cat({x[s - 1], pixel_shuffle(narrow(h, 1, 0, up), 2)}, 1);
  }
  return out;
}

UFlowOut UFlow::inverse(const std::vector<Tensor>& z) const {
  const size_t S = cfg_.features.size();
  UFLOW_CHECK(z.size() == S, "UFlow: ", z.size(), " latents for ", S, " scales");
  UFlowOut out;
  out.z.resize(S);  // here: the reconstructed features
  Tensor h = z[0];
  for (size_t s = 0; s < S; ++s) {
    for (auto it = blocks_[s].rbegin(); it != blocks_[s].rend(); ++it) {
      FlowOut r = (*it)->inverse(h);
      h = r.y;
      out.block_log_det.push_back(r.log_det);
      out.log_det = out.log_det.defined() ? out.log_det + r.log_det : r.log_det;
    }
    if (s + 1 == S) {
      out.z[s] = h;
      break;
    }
    // h = concat(features_s, shuffled part of the next coarser stage).
    const int64_t fc = cfg_.features[s][0];
    out.z[s] = narrow(h, 1, 0, fc);
    Tensor up = pixel_unshuffle(narrow(h, 1, fc, h.size(1) - fc), 2);
    h = cat({up, z[s + 1]}, 1);
  }
  return out;
}

std::vector<Tensor> UFlow::sample(int64_t batch, Generator& gen, DType dtype, Device device) const {
  std::vector<Tensor> z;
  for (const Shape& s : latent_shapes())
    z.push_back(gen.normal({batch, s[0], s[1], s[2]}, 0.0, 1.0, dtype, device));
  NoGradGuard no_grad;
  return inverse(z).z;
}

}  // namespace uflow
