#include "apps/model/checkpoint.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <initializer_list>

#include "apps/cli/choice.h"
#include "apps/model/spec_limits.h"
#include "weights/atomic_write.h"
#include "weights/finite_check.h"

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
  f.set_attr("random_backbone", static_cast<int64_t>(s.random_backbone));
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

// Attribute readers that refuse values outside the model's limits (apps/model/spec_limits.h),
// naming the file and the attribute: a corrupted or hand-edited checkpoint must fail here, not
// as an allocation failure or a NaN map later.
int64_t int_attr(const H5File& f, const std::string& key, IntRange range) {
  const int64_t v = f.attr_int(key);
  UFLOW_CHECK(range.contains(v), f.path(), ": attribute '", key, "' is ", v,
              ", expected a value in ", range.str());
  return v;
}

double real_attr(const H5File& f, const std::string& key, RealRange range) {
  const double v = f.attr_double(key);
  UFLOW_CHECK(range.contains(v), f.path(), ": attribute '", key, "' is ", v,
              ", expected a finite value in ", range.str());
  return v;
}

// Reads a tensor dataset after checking its shape (before allocating anything) and its values.
Tensor read_checked(const H5File& f, const std::string& name, const Shape& shape) {
  const H5DatasetInfo info = f.dataset_info(name);
  UFLOW_CHECK(info.shape == shape, f.path(), ": dataset '", name, "' has shape ",
              shape_str(info.shape), ", the model expects ", shape_str(shape));
  Tensor v = f.read_tensor(name);
  require_finite(v, f.path(), name);
  return v;
}

std::vector<int64_t> read_permutation(const H5File& f, const std::string& name, int64_t channels) {
  const H5DatasetInfo info = f.dataset_info(name);
  UFLOW_CHECK(info.shape == Shape{channels}, f.path(), ": dataset '", name, "' has shape ",
              shape_str(info.shape), ", expected ", shape_str({channels}));
  const std::vector<int64_t> perm = f.read_ints(name);
  std::vector<bool> seen(static_cast<size_t>(channels), false);
  for (int64_t p : perm) {
    UFLOW_CHECK(p >= 0 && p < channels && !seen[static_cast<size_t>(p)], f.path(), ": dataset '",
                name, "' is not a permutation of 0..", channels - 1);
    seen[static_cast<size_t>(p)] = true;
  }
  return perm;
}

// Checkpoints written before checksums existed still load; say once that corruption in them
// cannot be detected.
void note_unchecksummed(const H5File& f, const std::string& dataset) {
  if (f.dataset_info(dataset).checksummed) return;
  std::fprintf(stderr,
               "note: %s has no checksums (written by an older uflow): corruption in it cannot "
               "be detected\n",
               f.path().c_str());
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
  // Checked before anything is written: a non-finite model never replaces a checkpoint.
  const auto params = flow.named_parameters();
  std::vector<Tensor> host;
  for (const auto& [name, p] : params) {
    host.push_back(kernels::to_device(p, Device::cpu));
    require_finite(host.back(), path, "flow/" + name);
  }
  if (adam)
    for (size_t i = 0; i < params.size(); ++i) {
      require_finite(adam->exp_avg()[i], path, "adam/exp_avg/" + params[i].first);
      require_finite(adam->exp_avg_sq()[i], path, "adam/exp_avg_sq/" + params[i].first);
    }
  write_h5_atomic(path, [&](H5File& f) {
    write_spec(f, info, path);
    for (size_t i = 0; i < params.size(); ++i) f.write_tensor("flow/" + params[i].first, host[i]);
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
  using namespace limits;
  // "custom": a converted reference checkpoint whose extractor uflow cannot build
  // (tools/export_uflow_ckpt.py); its flow still loads.
  s.extractor = parse_choice(f.attr_string("extractor"),
                             {ExtractorKind::small, ExtractorKind::paper, ExtractorKind::custom,
                              ExtractorKind::resnet18, ExtractorKind::wide_resnet50_2},
                             "extractor", path + ": attribute extractor");
  // input_size shapes the small extractor and the ResNets, small_depth only the small one; the
  // others ignore them.
  if (s.extractor == ExtractorKind::small || is_resnet(s.extractor)) {
    s.input_size = int_attr(f, "input_size", kInputSize);
    UFLOW_CHECK(s.input_size % kInputSizeMultiple == 0, path, ": attribute 'input_size' is ",
                s.input_size, ", expected a multiple of ", kInputSizeMultiple);
    s.small_depth = s.extractor == ExtractorKind::small ? int_attr(f, "small_depth", kSmallDepth)
                                                        : f.attr_int("small_depth");
  } else {
    s.input_size = f.attr_int("input_size");
    s.small_depth = f.attr_int("small_depth");
  }
  s.extractor_seed = static_cast<uint64_t>(f.attr_int("extractor_seed"));
  s.weights_dir = resolved_path(f.attr_string("weights_dir"), path);
  // Checkpoints written before the ResNet extractors existed have no random_backbone.
  if (f.has_attr("random_backbone"))
    s.random_backbone = int_attr(f, "random_backbone", {0, 1}) != 0;
  s.flow_steps = int_attr(f, "flow_steps", kFlowSteps);
  s.clamp = real_attr(f, "clamp", kClamp);
  s.clamp_mode = parse_clamp_mode(f.attr_string("clamp_mode"), path + ": attribute clamp_mode");
  s.seed = static_cast<uint64_t>(f.attr_int("seed"));
  s.map_size = int_attr(f, "map_size", kMapSize);
  // 0 for epochs, batch and lr: not recorded (a converted reference checkpoint); such a
  // checkpoint predicts but cannot be resumed (see training_settings_recorded).
  info.train.epochs = int_attr(f, "epochs", {0, kEpochs.hi});
  info.train.batch = int_attr(f, "batch", {0, kBatch.hi});
  info.train.lr = real_attr(f, "lr", {0.0, kLearningRate.hi});
  info.train.weight_decay = real_attr(f, "weight_decay", kWeightDecay);
  info.train.loss = parse_loss_variant(f.attr_string("loss"), path + ": attribute loss");
  // Checkpoints written before presets existed have none.
  if (f.has_attr("preset")) info.train.preset = f.attr_string("preset");
  info.epoch = int_attr(f, "epoch", {0, info.train.epochs > 0 ? info.train.epochs : kEpochs.hi});
  return info;
}

bool training_settings_recorded(const TrainSettings& t) {
  return limits::kEpochs.contains(t.epochs) && limits::kBatch.contains(t.batch) &&
         limits::kLearningRate.contains(t.lr);
}

void load_checkpoint(const std::string& path, UFlow& flow, Adam* adam) {
  H5File f(path, 'r');
  check_format(f);
  const auto params = flow.named_parameters();
  if (!params.empty()) note_unchecksummed(f, "flow/" + params[0].first);
  for (const auto& [name, p] : params)
    flow.set_parameter(name, read_checked(f, "flow/" + name, p.shape()));
  for (size_t s = 0; s < flow.config().features.size(); ++s)
    for (size_t j = 0; j < flow.blocks(s).size(); ++j)
      flow.blocks(s)[j]->set_permutation(
          read_permutation(f, "permutation/" + std::to_string(s) + "." + std::to_string(j),
                           flow.blocks(s)[j]->config().channels));
  if (adam) {
    UFLOW_CHECK(f.has_attr("adam_step"), path, ": no optimiser state to resume from");
    std::vector<Tensor> m, v;
    for (const auto& [name, p] : params) {
      m.push_back(read_checked(f, "adam/exp_avg/" + name, p.shape()));
      v.push_back(read_checked(f, "adam/exp_avg_sq/" + name, p.shape()));
      // Adam divides by the square root of the second moment: a negative one is corruption.
      const std::vector<double> sq = v.back().to_vector();
      UFLOW_CHECK(std::all_of(sq.begin(), sq.end(), [](double x) { return x >= 0; }), path,
                  ": dataset 'adam/exp_avg_sq/", name, "' holds negative values");
    }
    adam->load_state(m, v, int_attr(f, "adam_step", {0, INT64_MAX}));
  }
}

}  // namespace uflow::app
