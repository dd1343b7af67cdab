// Training checkpoints (HDF5): the flow's parameters under their reference names, each
// coupling block's permutation as an index vector, Adam's state, the finished epoch, the
// model spec and training settings. Written to a temporary file and renamed, so a crash never
// leaves a broken checkpoint and an existing one survives a failed write.
#pragma once
#include <string>

#include "apps/model/model_spec.h"
#include "layers/adam.h"

namespace uflow::app {

struct TrainSettings {
  int64_t epochs = 100;
  int64_t batch = 8;
  double lr = 1e-3;
  double weight_decay = 1e-5;
  LossVariant loss = LossVariant::current;
  std::string preset = "none";  // the preset the settings came from, e.g. "paper:bottle"
};
// The command line's --loss, read once; `source` (the option) starts the error line.
LossVariant parse_loss_variant(const std::string& text, const std::string& source);

struct CheckpointInfo {
  ModelSpec spec;
  TrainSettings train;
  int64_t epoch = 0;  // epochs finished
};

// Refuses (writing nothing) a model or optimiser state holding NaN or ±Inf.
void save_checkpoint(const std::string& path, const CheckpointInfo& info, const UFlow& flow,
                     const Adam* adam);
// Reads the spec and settings only, each checked against the model's limits
// (apps/model/spec_limits.h): a value out of range is an error naming the file and attribute.
// A relative weights_dir is recorded relative to the checkpoint's folder (save_checkpoint) and
// returned resolved against it.
CheckpointInfo read_checkpoint_info(const std::string& path);
// Whether a checkpoint's training settings were recorded (converted reference checkpoints
// store zeros): only then can training resume from it.
bool training_settings_recorded(const TrainSettings& t);
// Loads parameters and permutations into a flow built from the checkpoint's spec, and Adam's
// state when adam is given. Throws one line naming the file and the problem: a dataset of the
// wrong shape, a NaN or ±Inf value, a permutation that is none, a checksum mismatch. Prints a
// note on stderr for a checkpoint written before checksums existed (it still loads).
void load_checkpoint(const std::string& path, UFlow& flow, Adam* adam);

}  // namespace uflow::app
