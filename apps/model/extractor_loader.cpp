// Building the extractor of a ModelSpec: seeded random weights for small (and for a ResNet with
// random_backbone); for paper and the ResNets, timm weights from <weights_dir>/<model>.h5
// (written by `uflow import` or tools/export_timm.py), mapped by name.
#include <filesystem>

#include "apps/model/model_spec.h"
#include "tensor/host_block_cache.h"
#include "weights/weight_file.h"

namespace fs = std::filesystem;

namespace uflow::app {
namespace {

void check_weight_file(const std::string& path, const char* random_hint) {
  UFLOW_CHECK(fs::exists(path), path,
              ": extractor weights not found (import them with `uflow import` or export them "
              "with tools/export_timm.py, see README \"Extractor weights\"; ",
              random_hint, ")");
}

constexpr const char* kCaitHint = "or train with --extractor small, which needs no download";
constexpr const char* kResNetHint = "or train with --random-backbone, which needs no download";

// Loads every parameter the (truncated) model has, by name. Keys the extractor never runs (later
// blocks or layers, the class-attention stage, the head) are allowed in the file; anything else
// unexpected, missing or mis-shaped is an error naming the file and the key.
void load_timm_weights(Module& model, const std::vector<std::string>& unbuilt,
                       const std::string& path, const char* random_hint) {
  check_weight_file(path, random_hint);
  std::vector<std::pair<std::string, Shape>> expected;
  for (const auto& [name, p] : model.named_parameters()) expected.push_back({name, p.shape()});
  for (auto& [name, t] : load_weights(path, expected, unbuilt))
    model.set_parameter(name, kernels::to_dtype(t, DType::f32));
  model.requires_grad(false);
  // The file's float64 copies and the replaced random weights are sizes the forward never asks
  // for again: give them back instead of keeping them in the block cache (host_block_cache.h).
  HostBlockCache::process().clear();
}

std::unique_ptr<FeatureExtractor> build_resnet(const ModelSpec& spec) {
  const ResNetConfig cfg = resnet_config(spec.extractor);
  const std::string path = (fs::path(spec.weights_dir) / (cfg.name + ".h5")).string();
  if (!spec.random_backbone) check_weight_file(path, kResNetHint);
  Generator gen(spec.extractor_seed);
  auto ex = std::make_unique<ResNetExtractor>(cfg, spec.input_size, gen);
  if (!spec.random_backbone)
    load_timm_weights(ex->model(), ex->unbuilt_prefixes(), path, kResNetHint);
  return ex;
}

}  // namespace

std::unique_ptr<FeatureExtractor> build_extractor(const ModelSpec& spec) {
  if (is_resnet(spec.extractor)) return build_resnet(spec);
  const MsCaitConfig cfg = extractor_config(spec);
  if (spec.extractor ==
      ExtractorKind::paper)  // fail before allocating hundreds of millions of parameters
    for (const MsCaitScale& s : cfg.scales) {
      const std::string path = (fs::path(spec.weights_dir) / (s.model.name + ".h5")).string();
      check_weight_file(path, kCaitHint);
    }
  Generator gen(spec.extractor_seed);
  auto ex = std::make_unique<MsCaitExtractor>(cfg, gen);
  if (spec.extractor == ExtractorKind::paper)
    for (size_t i = 0; i < ex->scales(); ++i)
      load_timm_weights(
          ex->model(i), ex->model(i).unbuilt_prefixes(),
          (fs::path(spec.weights_dir) / (ex->config().scales[i].model.name + ".h5")).string(),
          kCaitHint);
  return ex;
}

}  // namespace uflow::app
