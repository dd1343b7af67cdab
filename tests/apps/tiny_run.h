// A tiny MVTec-style category and model for end-to-end tests of training and prediction: 48-px
// synthetic images and the small extractor at 64 px (features 192×4×4 and 192×2×2), one flow
// step per scale. A run takes about a second.
#pragma once
#include <filesystem>
#include <string>

#include "apps/commands/train_command.h"
#include "apps/model/trainer.h"
#include "apps_test_util.h"
#include "tensor/ops.h"
#include "test_util.h"

namespace uflow::test {

// Written once per name into the temp folder (4 training images, one test image per type).
inline std::filesystem::path tiny_category(const std::string& name) {
  const std::filesystem::path d = std::filesystem::temp_directory_path() / ("uflow_tiny_" + name);
  std::filesystem::remove_all(d);
  write_tiny_category(d.string(), 48, 4, 1);
  return d;
}

inline app::ModelSpec tiny_spec() {
  app::ModelSpec s;
  s.input_size = 64;
  s.small_depth = 1;
  s.flow_steps = 1;
  return s;
}

// Training on `data` into `out`, batch 4 (one update per epoch), a checkpoint every epoch.
inline app::TrainRequest tiny_request(const std::filesystem::path& data,
                                      const std::filesystem::path& out, int64_t epochs) {
  app::TrainRequest r;
  r.data = data.string();
  r.out = out.string();
  r.spec = tiny_spec();
  r.train.epochs = epochs;
  r.train.batch = 4;
  r.checkpoint_every = 1;
  return r;
}

struct DivergedTraining {
  std::string error;       // the trainer's error ("<no error>" when it finished)
  int epochs_reached = 0;  // epochs whose callback (which writes checkpoints) ran
};

// Two epochs of one update each on random tiny features with an absurd learning rate (the
// command refuses it; the library is called directly): the first update turns parameters into
// ±Inf while the loss before it was finite, so only a check of the parameters catches it.
inline DivergedTraining train_with_absurd_lr(Device device) {
  auto flow = app::build_flow(tiny_spec());
  flow->to(device);
  AdamOptions ao;
  ao.lr = 1e300;
  Adam adam(flow->parameters(), ao);
  app::FeatureSet features;
  features.scales = {kernels::rand_normal({4, 192, 4, 4}, 1, 0),
                     kernels::rand_normal({4, 192, 2, 2}, 2, 0)};
  features.rows = 4;
  app::TrainOptions opt;
  opt.epochs = 2;
  opt.batch = 4;
  opt.base_lr = 1e300;
  opt.device = device;
  DivergedTraining r;
  r.error = error_of([&] {
    app::train_flow(*flow, adam, features, opt, 0, [&](const app::EpochStats&) {
      ++r.epochs_reached;
      return true;
    });
  });
  return r;
}

}  // namespace uflow::test
