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
    case ExtractorKind::resnet18:
      return "resnet18";
    case ExtractorKind::wide_resnet50_2:
      return "wide_resnet50_2";
  }
  UFLOW_FAIL("unknown extractor kind");
}

bool is_resnet(ExtractorKind kind) {
  return kind == ExtractorKind::resnet18 || kind == ExtractorKind::wide_resnet50_2;
}

int64_t default_input_size(ExtractorKind kind) {
  return is_resnet(kind) ? 256 : 448;
}

ExtractorKind parse_extractor_kind(const std::string& text, const std::string& source) {
  return parse_choice(text,
                      {ExtractorKind::small, ExtractorKind::paper, ExtractorKind::resnet18,
                       ExtractorKind::wide_resnet50_2},
                      "extractor", source);
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
    case ExtractorKind::resnet18:
    case ExtractorKind::wide_resnet50_2:
      UFLOW_FAIL("extractor ", to_string(spec.extractor), " is a ResNet, not an MS-CaiT");
  }
  UFLOW_FAIL(
      "extractor custom (other CaiTs than the paper's) cannot be rebuilt from a model "
      "spec (use small, paper, resnet18 or wide_resnet50_2)");
}

ResNetConfig resnet_config(ExtractorKind kind) {
  if (kind == ExtractorKind::resnet18) return resnet18_config();
  if (kind == ExtractorKind::wide_resnet50_2) return wide_resnet50_2_config();
  UFLOW_FAIL("extractor ", to_string(kind), " is not a ResNet");
}

std::vector<Shape> feature_shapes(const ModelSpec& spec) {
  if (is_resnet(spec.extractor))
    return resnet_feature_shapes(resnet_config(spec.extractor), spec.input_size);
  std::vector<Shape> out;
  for (const MsCaitScale& s : extractor_config(spec).scales)
    out.push_back({s.model.dim, s.model.grid(), s.model.grid()});
  return out;
}

UFlowConfig flow_config(const ModelSpec& spec) {
  UFlowConfig c;
  c.features = feature_shapes(spec);
  c.feature_norm = is_resnet(spec.extractor);
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
