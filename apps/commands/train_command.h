// `uflow train`: caches the frozen extractor's features of the training images, trains the
// flow, logs the loss per epoch to loss.csv and writes checkpoint.h5 every N epochs and at the
// end. Model selection never looks at the test set: the last epoch is the model. The output
// folder is locked for the run (apps/cli/output_lock.h); a folder holding a checkpoint is only
// used with --resume (continue) or --force (start over).
#pragma once
#include <string>
#include <vector>

#include "apps/model/checkpoint.h"

namespace uflow::app {

struct TrainRequest {
  std::string data;  // MVTec-style category folder
  std::string out;   // output folder
  ModelSpec spec;
  TrainSettings train;
  int64_t checkpoint_every = 10;
  bool resume = false;
  bool force = false;               // start over where a checkpoint exists (refused otherwise)
  int64_t cache_limit = 8LL << 30;  // bytes of features kept in memory; beyond, an HDF5 cache
  Device device = Device::cpu;
};

struct TrainSummary {
  int64_t epochs = 0, images = 0;
  double final_loss = 0, seconds = 0, feature_seconds = 0;
  std::string checkpoint;
};

TrainSummary run_training(const TrainRequest& req);
int train_command(const std::vector<std::string>& args);

}  // namespace uflow::app
