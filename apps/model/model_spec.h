// Everything needed to rebuild a trained model: which extractor (the paper's MS-CaiT from
// weight files, the small seeded random one, or a ResNet from weight files or seeded random),
// the flow's shape and options, and the training settings. Stored in every checkpoint so
// `predict` and `eval` need only the checkpoint (plus the extractor weight files, if any).
#pragma once
#include <memory>
#include <string>

#include "flow/loss.h"
#include "flow/u_flow.h"
#include "layers/ms_cait.h"
#include "layers/resnet_extractor.h"

namespace uflow::app {

enum class ExtractorKind {
  small,   // seeded random CaiT pair, no download (ms_cait_small_config)
  paper,   // the paper's MS-CaiT with timm weights (ms_cait_paper_config)
  custom,  // other timm CaiTs of a converted reference checkpoint: readable, not buildable
  // timm ResNets, layers 1-3 (the reference's and anomalib's alternative backbones), with a
  // LayerNorm per scale trained with the flow (docs/extractor.md §3). Weights from
  // weights_dir/<name>.h5, or seeded random with random_backbone.
  resnet18,
  wide_resnet50_2,
};
// The spelling of the command line and of checkpoints: "small", "paper", "custom", "resnet18"
// or "wide_resnet50_2".
const char* to_string(ExtractorKind kind);
bool is_resnet(ExtractorKind kind);
// The side of the input images when --input-size is not given: 448 for the CaiTs (the
// paper's), 256 for the ResNets (the reference's default for them).
int64_t default_input_size(ExtractorKind kind);

struct ModelSpec {
  ExtractorKind extractor = ExtractorKind::small;
  int64_t input_size = 448;  // image size fed to the first model
  int64_t small_depth = 2;   // small extractor: blocks built, tap after the last
  uint64_t extractor_seed = 7;
  // paper extractor: folder with cait_m48_448.h5, cait_s24_224.h5; ResNets: with <name>.h5
  std::string weights_dir;
  // ResNets: seeded random weights (extractor_seed) instead of weights_dir, for tests and
  // demos that must not need a download; such features carry no ImageNet knowledge.
  bool random_backbone = false;
  int64_t flow_steps = 4;
  double clamp = 2.0;
  ClampMode clamp_mode = ClampMode::pinned;
  uint64_t seed = 0;       // flow init and batch order
  int64_t map_size = 256;  // anomaly maps and NFA at map_size × map_size
};

// The command line's choices, read once; `source` (the option) starts the error line. The
// extractor is small, paper, resnet18 or wide_resnet50_2: custom is only read from checkpoints.
ExtractorKind parse_extractor_kind(const std::string& text, const std::string& source);
ClampMode parse_clamp_mode(const std::string& text, const std::string& source);

// The CaiT kinds' configuration; throws for ExtractorKind::custom, whose architectures the
// spec does not record, and for the ResNets.
MsCaitConfig extractor_config(const ModelSpec& spec);
// The ResNet kinds' configuration; throws for the others.
ResNetConfig resnet_config(ExtractorKind kind);
// The extractor's feature shapes (C, H, W) per scale, finest first, without building it.
std::vector<Shape> feature_shapes(const ModelSpec& spec);
// Builds the extractor: random seeded weights for small (and ResNets with random_backbone),
// weights loaded from spec.weights_dir otherwise (throws naming the missing file).
std::unique_ptr<FeatureExtractor> build_extractor(const ModelSpec& spec);
UFlowConfig flow_config(const ModelSpec& spec);
std::unique_ptr<UFlow> build_flow(const ModelSpec& spec);

}  // namespace uflow::app
