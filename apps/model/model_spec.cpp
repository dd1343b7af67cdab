#include "apps/model/model_spec.h"

#include "apps/cli/choice.h"

namespace uflow::app {

const char* to_string(ExtractorKind kind) {
  switch (kind) {
    case ExtractorKind::small:
      return "small";
    case ExtractorKind::paper:
      return "paper";
    case ExtractorKind::custom:
      return "custom";
  }
  UFLOW_FAIL("unknown extractor kind");
}

ExtractorKind parse_extractor_kind(const std::string& text, const std::string& source) {
  return parse_choice(text, {ExtractorKind::small, ExtractorKind::paper}, "extractor", source);
}

ClampMode parse_clamp_mode(const std::string& text, const std::string& source) {
  return parse_choice(text, {ClampMode::pinned, ClampMode::scaled}, "clamp mode", source);
}

MsCaitConfig extractor_config(const ModelSpec& spec) {
  switch (spec.extractor) {
    case ExtractorKind::small:
      return ms_cait_small_config(spec.input_size, spec.small_depth, spec.small_depth - 1);
    case ExtractorKind::paper:
      return ms_cait_paper_config();
    case ExtractorKind::custom:
      break;
  }
  UFLOW_FAIL(
      "extractor custom (other CaiTs than the paper's) cannot be rebuilt from a model "
      "spec (use small or paper)");
}

UFlowConfig flow_config(const ModelSpec& spec) {
  UFlowConfig c;
  for (const MsCaitScale& s : extractor_config(spec).scales)
    c.features.push_back({s.model.dim, s.model.grid(), s.model.grid()});
  c.steps = spec.flow_steps;
  c.block.clamp = spec.clamp;
  c.block.clamp_mode = spec.clamp_mode;
  return c;
}

std::unique_ptr<UFlow> build_flow(const ModelSpec& spec) {
  Generator gen(spec.seed);
  return std::make_unique<UFlow>(flow_config(spec), gen);
}

}  // namespace uflow::app
