// Building the extractor of a ModelSpec: seeded random weights for small; for paper, timm
// weights from <weights_dir>/<model>.h5 (written by tools/export_timm.py), mapped by name.
#include <filesystem>

#include "apps/model/model_spec.h"
#include "weights/weight_file.h"

namespace fs = std::filesystem;

namespace uflow::app {
namespace {

void check_weight_file(const std::string& path) {
  UFLOW_CHECK(fs::exists(path), path,
              ": extractor weights not found (export them with tools/export_timm.py, see README "
              "\"Extractor weights\"; or train with --extractor small, which needs no download)");
}

// Loads every parameter the (truncated) model has, by name. Keys the extractor never runs (later
// blocks, the class-attention stage, the head) are allowed in the file; anything else
// unexpected, missing or mis-shaped is an error naming the file and the key.
void load_timm_weights(Cait& model, const std::string& path) {
  check_weight_file(path);
  std::vector<std::pair<std::string, Shape>> expected;
  for (const auto& [name, p] : model.named_parameters()) expected.push_back({name, p.shape()});
  for (auto& [name, t] : load_weights(path, expected, model.unbuilt_prefixes()))
    model.set_parameter(name, kernels::to_dtype(t, DType::f32));
  model.requires_grad(false);
}

}  // namespace

std::unique_ptr<MsCaitExtractor> build_extractor(const ModelSpec& spec) {
  const MsCaitConfig cfg = extractor_config(spec);
  if (spec.extractor ==
      ExtractorKind::paper)  // fail before allocating hundreds of millions of parameters
    for (const MsCaitScale& s : cfg.scales) {
      const std::string path = (fs::path(spec.weights_dir) / (s.model.name + ".h5")).string();
      check_weight_file(path);
    }
  Generator gen(spec.extractor_seed);
  auto ex = std::make_unique<MsCaitExtractor>(cfg, gen);
  if (spec.extractor == ExtractorKind::paper)
    for (size_t i = 0; i < ex->scales(); ++i)
      load_timm_weights(
          ex->model(i),
          (fs::path(spec.weights_dir) / (ex->config().scales[i].model.name + ".h5")).string());
  return ex;
}

}  // namespace uflow::app
