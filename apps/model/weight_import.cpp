#include "apps/model/weight_import.h"

#include <cmath>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <tuple>

#include "weights/atomic_write.h"
#include "weights/hdf5_file.h"

namespace uflow::app {
namespace {

// (embed_dim, depth, input) -> timm name; the table of tools/export_uflow_ckpt.py.
const std::map<std::tuple<int64_t, int64_t, int64_t>, const char*> kTimmCaits = {
    {{192, 24, 224}, "cait_xxs24_224"}, {{192, 24, 384}, "cait_xxs24_384"},
    {{192, 36, 224}, "cait_xxs36_224"}, {{192, 36, 384}, "cait_xxs36_384"},
    {{288, 24, 384}, "cait_xs24_384"},  {{384, 24, 224}, "cait_s24_224"},
    {{384, 24, 384}, "cait_s24_384"},   {{384, 36, 384}, "cait_s36_384"},
    {{768, 36, 384}, "cait_m36_384"},   {{768, 48, 448}, "cait_m48_448"}};

}  // namespace

std::optional<CaitShapes> identify_cait(const std::vector<SourceTensorInfo>& tensors,
                                        const std::string& prefix) {
  const SourceTensorInfo *proj = nullptr, *pos = nullptr;
  std::set<std::string> blocks;
  for (const SourceTensorInfo& t : tensors) {
    if (t.name.compare(0, prefix.size(), prefix) != 0) continue;
    const std::string key = t.name.substr(prefix.size());
    if (key == "patch_embed.proj.weight") proj = &t;
    if (key == "pos_embed") pos = &t;
    if (key.compare(0, 7, "blocks.") == 0) blocks.insert(key.substr(7, key.find('.', 7) - 7));
  }
  if (!proj || !pos || proj->shape.size() != 4 || pos->shape.size() != 3) return std::nullopt;
  CaitShapes c;
  c.dim = proj->shape[0];
  c.depth = static_cast<int64_t>(blocks.size());
  c.grid = static_cast<int64_t>(std::llround(std::sqrt(static_cast<double>(pos->shape[1]))));
  c.input_size = c.grid * proj->shape[2];
  const auto it = kTimmCaits.find({c.dim, c.depth, c.input_size});
  c.arch = it != kTimmCaits.end()
               ? it->second
               : "cait_d" + std::to_string(c.dim) + "_depth" + std::to_string(c.depth) + "_" +
                     std::to_string(c.input_size);
  return c;
}

WeightFileInfo imagenet_weight_info(const std::string& arch, int64_t input_size) {
  WeightFileInfo info;
  info.arch = arch;
  info.input_size = input_size;
  info.mean = {0.485, 0.456, 0.406};
  info.std = {0.229, 0.224, 0.225};
  return info;
}

void apply_timm_config(const std::string& config_path, WeightFileInfo& info) {
  using nlohmann::json;
  std::ifstream in(config_path);
  UFLOW_CHECK(in, config_path, ": cannot open");
  std::stringstream text;
  text << in.rdbuf();
  const json cfg = json::parse(text.str(), nullptr, false);
  UFLOW_CHECK(!cfg.is_discarded() && cfg.is_object(), config_path, ": not a JSON object");
  if (cfg.contains("architecture")) {
    UFLOW_CHECK(cfg["architecture"].is_string(), config_path, ": 'architecture' is not a string");
    info.arch = cfg["architecture"].get<std::string>();
  }
  if (!cfg.contains("pretrained_cfg")) return;
  const json& p = cfg["pretrained_cfg"];
  UFLOW_CHECK(p.is_object(), config_path, ": 'pretrained_cfg' is not an object");
  if (p.contains("input_size") && !p["input_size"].is_null()) {
    UFLOW_CHECK(p["input_size"].is_array() && !p["input_size"].empty() &&
                    p["input_size"].back().is_number_integer(),
                config_path, ": pretrained_cfg.input_size is not a list of integers");
    info.input_size = p["input_size"].back().get<int64_t>();
  }
  for (const char* key : {"mean", "std"}) {
    if (!p.contains(key)) continue;
    std::vector<double> values;
    UFLOW_CHECK(p[key].is_array() && p[key].size() == 3, config_path, ": pretrained_cfg.", key,
                " is not a list of three numbers");
    for (const json& v : p[key]) {
      UFLOW_CHECK(v.is_number(), config_path, ": pretrained_cfg.", key,
                  " is not a list of three numbers");
      values.push_back(v.get<double>());
    }
    (std::string(key) == "mean" ? info.mean : info.std) = values;
  }
}

void write_weight_file(const std::string& out, const TensorSource& source,
                       const std::vector<size_t>& indices, const std::string& strip_prefix,
                       const WeightFileInfo& info, Progress* progress) {
  std::set<std::string> seen;
  for (const size_t i : indices) {
    const std::string key = source.tensors()[i].name.substr(strip_prefix.size());
    UFLOW_CHECK(!key.empty() && key.find('/') == std::string::npos, source.path(), ": key '", key,
                "' cannot be a weight-file dataset name (empty or with '/')");
    UFLOW_CHECK(seen.insert(key).second, source.path(), ": key '", key, "' appears twice");
  }
  write_h5_atomic(out, [&](H5File& f) {
    f.set_attr("format", kWeightsFormat);
    f.set_attr("version", kWeightsVersion);
    f.set_attr("arch", info.arch);
    f.set_attr("input_size", info.input_size);
    f.set_attr("mean", info.mean);
    f.set_attr("std", info.std);
    for (const size_t i : indices) {
      const SourceTensorInfo& t = source.tensors()[i];
      Tensor value = source.read_float(i);
      // numpy.ascontiguousarray in the exporter makes a 0-d tensor 1-d; so do we, so that
      // both write the same file.
      if (value.dim() == 0) value = Tensor::view_of(value, {1}, {1}, value.offset());
      f.write_tensor(t.name.substr(strip_prefix.size()), value);
      if (progress) progress->advance(1);
    }
  });
}

}  // namespace uflow::app
