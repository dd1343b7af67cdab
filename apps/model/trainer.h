// The training loop of the flow on cached features: seeded shuffling (the order of epoch e
// depends only on the seed and e, so a resumed run sees the same batches), Adam with coupled
// weight decay, the reference's per-epoch linear learning-rate decay, and a callback after
// every epoch (logging, checkpoints).
#pragma once
#include <functional>

#include "apps/model/features.h"
#include "flow/loss.h"
#include "flow/u_flow.h"
#include "layers/adam.h"

namespace uflow::app {

struct TrainOptions {
  int64_t epochs = 100;
  int64_t batch = 8;
  uint64_t seed = 0;
  LossVariant loss = LossVariant::current;
  Device device = Device::cpu;
  double base_lr = 1e-3;
};

struct EpochStats {
  int64_t epoch = 0;  // 1-based number of the finished epoch
  double mean_loss = 0;
  double lr = 0;
  double seconds = 0;
  double images_per_second = 0;
};

// Trains from `start_epoch` (0 for a fresh run) up to opt.epochs. on_epoch runs after every
// epoch; returning false stops early.
void train_flow(UFlow& flow, Adam& adam, const FeatureSet& features, const TrainOptions& opt,
                int64_t start_epoch, const std::function<bool(const EpochStats&)>& on_epoch);

// The sample order of one epoch.
std::vector<int64_t> epoch_order(int64_t n, uint64_t seed, int64_t epoch);

}  // namespace uflow::app
