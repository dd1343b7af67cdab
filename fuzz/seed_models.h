// The small models behind the seed files of the checkpoint_load target (fuzz/make_seeds.cpp
// writes them; the target loads into them), so that seeds take a few kilobytes.
#pragma once
#include "flow/u_flow.h"
#include "weights/weight_file.h"

namespace uflow::fuzz {

inline UFlowConfig seed_flow_config() {
  UFlowConfig c;
  c.features = {{8, 4, 4}, {8, 2, 2}};
  c.steps = 1;
  return c;
}

inline UFlow seed_flow() {
  Generator gen(1);
  return UFlow(seed_flow_config(), gen);
}

inline ExpectedShapes seed_weight_shapes() {
  return {{"patch_embed.proj.weight", {4, 3, 2, 2}}, {"blocks.0.norm1.weight", {4}}};
}

}  // namespace uflow::fuzz
