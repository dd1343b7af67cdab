// A tiny MVTec-style category and model for end-to-end tests of training and prediction: 48-px
// synthetic images and the small extractor at 64 px (features 192×4×4 and 192×2×2), one flow
// step per scale. A run takes about a second.
#pragma once
#include <filesystem>
#include <string>

#include "apps/commands/train_command.h"
#include "apps_test_util.h"

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

}  // namespace uflow::test
