#include "apps/model/model_spec.h"

namespace uflow::app {

MsCaitConfig extractor_config(const ModelSpec& spec) {
  if (spec.extractor == "small")
    return ms_cait_small_config(spec.input_size, spec.small_depth, spec.small_depth - 1);
  UFLOW_CHECK(spec.extractor == "paper", "unknown extractor '", spec.extractor,
              "' (use small or paper)");
  return ms_cait_paper_config();
}

UFlowConfig flow_config(const ModelSpec& spec) {
  UFlowConfig c;
  for (const MsCaitScale& s : extractor_config(spec).scales)
    c.features.push_back({s.model.dim, s.model.grid(), s.model.grid()});
  c.steps = spec.flow_steps;
  c.block.clamp = spec.clamp;
  UFLOW_CHECK(spec.clamp_mode == "pinned" || spec.clamp_mode == "scaled", "unknown clamp mode '",
              spec.clamp_mode, "' (use pinned or scaled)");
  c.block.clamp_mode = spec.clamp_mode == "scaled" ? ClampMode::scaled : ClampMode::pinned;
  return c;
}

std::unique_ptr<UFlow> build_flow(const ModelSpec& spec) {
  Generator gen(spec.seed);
  return std::make_unique<UFlow>(flow_config(spec), gen);
}

}  // namespace uflow::app
