#include "apps/model/checkpoint.h"

#include <filesystem>

#include "apps/cli/choice.h"
#include "weights/atomic_write.h"

namespace uflow::app {
namespace {

namespace fs = std::filesystem;

constexpr const char* kFormat = "uflow-checkpoint";
constexpr int64_t kVersion = 1;

// A relative folder (the extractor weights) is recorded relative to the checkpoint's own
// folder, so that the checkpoint works from any current directory and moves with its weights.
std::string recorded_path(const std::string& dir, const std::string& checkpoint) {
  if (dir.empty() || fs::path(dir).is_absolute()) return dir;
  const fs::path from = fs::absolute(checkpoint).lexically_normal().parent_path();
  const fs::path rel = fs::absolute(dir).lexically_normal().lexically_relative(from);
  return rel.empty() ? dir : rel.string();
}

std::string resolved_path(const std::string& recorded, const std::string& checkpoint) {
  if (recorded.empty() || fs::path(recorded).is_absolute()) return recorded;
  const fs::path here = (fs::path(checkpoint).parent_path() / recorded).lexically_normal();
  // Checkpoints written before paths were recorded this way hold one relative to the folder
  // uflow ran in: still found when it exists there and nothing does next to the checkpoint.
  if (!fs::exists(here) && fs::exists(recorded)) return recorded;
  return here.string();
}

void write_spec(H5File& f, const CheckpointInfo& info, const std::string& path) {
  const ModelSpec& s = info.spec;
  f.set_attr("format", std::string(kFormat));
  f.set_attr("version", kVersion);
  f.set_attr("epoch", info.epoch);
  f.set_attr("extractor", to_string(s.extractor));
  f.set_attr("input_size", s.input_size);
  f.set_attr("small_depth", s.small_depth);
  f.set_attr("extractor_seed", static_cast<int64_t>(s.extractor_seed));
  f.set_attr("weights_dir", recorded_path(s.weights_dir, path));
  f.set_attr("flow_steps", s.flow_steps);
  f.set_attr("clamp", s.clamp);
  f.set_attr("clamp_mode", to_string(s.clamp_mode));
  f.set_attr("seed", static_cast<int64_t>(s.seed));
  f.set_attr("map_size", s.map_size);
  f.set_attr("epochs", info.train.epochs);
  f.set_attr("batch", info.train.batch);
  f.set_attr("lr", info.train.lr);
  f.set_attr("weight_decay", info.train.weight_decay);
  f.set_attr("loss", to_string(info.train.loss));
  f.set_attr("preset", info.train.preset);
}

void check_format(const H5File& f) {
  UFLOW_CHECK(f.has_attr("format") && f.attr_string("format") == kFormat, f.path(),
              ": not a uflow checkpoint (attribute format != ", kFormat, ")");
  const int64_t v = f.attr_int("version");
  UFLOW_CHECK(v == kVersion, f.path(), ": checkpoint version ", v, ", this uflow reads version ",
              kVersion);
}

}  // namespace

LossVariant parse_loss_variant(const std::string& text, const std::string& source) {
  return parse_choice(text, {LossVariant::current, LossVariant::legacy}, "loss", source);
}

void save_checkpoint(const std::string& path, const CheckpointInfo& info, const UFlow& flow,
                     const Adam* adam) {
  write_h5_atomic(path, [&](H5File& f) {
    write_spec(f, info, path);
    const auto params = flow.named_parameters();
    for (const auto& [name, p] : params) f.write_tensor("flow/" + name, p);
    for (size_t s = 0; s < flow.config().features.size(); ++s)
      for (size_t j = 0; j < flow.blocks(s).size(); ++j)
        f.write_ints("permutation/" + std::to_string(s) + "." + std::to_string(j),
                     flow.blocks(s)[j]->permutation());
    if (adam) {
      f.set_attr("adam_step", adam->steps());
      for (size_t i = 0; i < params.size(); ++i) {
        f.write_tensor("adam/exp_avg/" + params[i].first, adam->exp_avg()[i]);
        f.write_tensor("adam/exp_avg_sq/" + params[i].first, adam->exp_avg_sq()[i]);
      }
    }
  });
}

CheckpointInfo read_checkpoint_info(const std::string& path) {
  H5File f(path, 'r');
  check_format(f);
  CheckpointInfo info;
  ModelSpec& s = info.spec;
  info.epoch = f.attr_int("epoch");
  s.extractor = parse_choice(f.attr_string("extractor"),
                             {ExtractorKind::small, ExtractorKind::paper, ExtractorKind::custom},
                             "extractor", path + ": attribute extractor");
  s.input_size = f.attr_int("input_size");
  s.small_depth = f.attr_int("small_depth");
  s.extractor_seed = static_cast<uint64_t>(f.attr_int("extractor_seed"));
  s.weights_dir = resolved_path(f.attr_string("weights_dir"), path);
  s.flow_steps = f.attr_int("flow_steps");
  s.clamp = f.attr_double("clamp");
  s.clamp_mode = parse_clamp_mode(f.attr_string("clamp_mode"), path + ": attribute clamp_mode");
  s.seed = static_cast<uint64_t>(f.attr_int("seed"));
  s.map_size = f.attr_int("map_size");
  info.train.epochs = f.attr_int("epochs");
  info.train.batch = f.attr_int("batch");
  info.train.lr = f.attr_double("lr");
  info.train.weight_decay = f.attr_double("weight_decay");
  info.train.loss = parse_loss_variant(f.attr_string("loss"), path + ": attribute loss");
  // Checkpoints written before presets existed have none.
  if (f.has_attr("preset")) info.train.preset = f.attr_string("preset");
  return info;
}

void load_checkpoint(const std::string& path, UFlow& flow, Adam* adam) {
  H5File f(path, 'r');
  check_format(f);
  const auto params = flow.named_parameters();
  for (const auto& [name, p] : params) {
    const Tensor v = f.read_tensor("flow/" + name);
    UFLOW_CHECK(v.shape() == p.shape(), path, ": parameter ", name, " has shape ",
                shape_str(v.shape()), ", the model expects ", shape_str(p.shape()));
    flow.set_parameter(name, v);
  }
  for (size_t s = 0; s < flow.config().features.size(); ++s)
    for (size_t j = 0; j < flow.blocks(s).size(); ++j)
      flow.blocks(s)[j]->set_permutation(
          f.read_ints("permutation/" + std::to_string(s) + "." + std::to_string(j)));
  if (adam) {
    UFLOW_CHECK(f.has_attr("adam_step"), path, ": no optimiser state to resume from");
    std::vector<Tensor> m, v;
    for (const auto& [name, p] : params) {
      m.push_back(f.read_tensor("adam/exp_avg/" + name));
      v.push_back(f.read_tensor("adam/exp_avg_sq/" + name));
    }
    adam->load_state(m, v, f.attr_int("adam_step"));
  }
}

}  // namespace uflow::app
