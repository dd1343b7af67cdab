// Everything needed to rebuild a trained model: which extractor (the paper's MS-CaiT from
// weight files, or the small seeded random one), the flow's shape and options, and the
// training settings. Stored in every checkpoint so `predict` and `eval` need only the
// checkpoint (plus the extractor weight files for the paper's extractor).
#pragma once
#include <memory>
#include <string>

#include "flow/loss.h"
#include "flow/u_flow.h"
#include "layers/ms_cait.h"

namespace uflow::app {

enum class ExtractorKind {
  small,   // seeded random CaiT pair, no download (ms_cait_small_config)
  paper,   // the paper's MS-CaiT with timm weights (ms_cait_paper_config)
  custom,  // other timm CaiTs of a converted reference checkpoint: readable, not buildable
};
// The spelling of the command line and of checkpoints: "small", "paper" or "custom".
const char* to_string(ExtractorKind kind);

struct ModelSpec {
  ExtractorKind extractor = ExtractorKind::small;
  int64_t input_size = 448;  // image size fed to the first model
  int64_t small_depth = 2;   // small extractor: blocks built, tap after the last
  uint64_t extractor_seed = 7;
  std::string weights_dir;  // paper extractor: folder with cait_m48_448.h5, cait_s24_224.h5
  int64_t flow_steps = 4;
  double clamp = 2.0;
  ClampMode clamp_mode = ClampMode::pinned;
  uint64_t seed = 0;       // flow init and batch order
  int64_t map_size = 256;  // anomaly maps and NFA at map_size × map_size
};

// The command line's choices, read once; `source` (the option) starts the error line. The
// extractor is small or paper: custom is only read from checkpoints.
ExtractorKind parse_extractor_kind(const std::string& text, const std::string& source);
ClampMode parse_clamp_mode(const std::string& text, const std::string& source);

// Throws for ExtractorKind::custom, whose architectures the spec does not record.
MsCaitConfig extractor_config(const ModelSpec& spec);
// Builds the extractor: random seeded weights for small, weights loaded from
// spec.weights_dir for paper (throws naming the missing file).
std::unique_ptr<MsCaitExtractor> build_extractor(const ModelSpec& spec);
UFlowConfig flow_config(const ModelSpec& spec);
std::unique_ptr<UFlow> build_flow(const ModelSpec& spec);

}  // namespace uflow::app
