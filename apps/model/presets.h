// Training presets: the settings the authors of U-Flow released per MVTec AD category
// (configs/<category>.yaml of their code), and anomalib's defaults for its UFlow model. A
// preset sets the extractor, the input size, the flow steps and the training settings; any
// option given on the command line overrides it. The checkpoint records which preset and
// category were used.
#pragma once
#include <string>
#include <vector>

#include "apps/model/checkpoint.h"

namespace uflow::app {

enum class PresetKind { none, paper, anomalib };
const char* to_string(PresetKind kind);
PresetKind parse_preset(const std::string& text, const std::string& source);

// One MVTec AD category's settings in the authors' configuration files.
struct PaperCategorySettings {
  const char* category;
  bool texture;  // the paper's tables group textures and objects
  int64_t epochs, batch;
  double lr;
};
// The 15 MVTec AD categories, textures first, in the paper's table order.
const std::vector<PaperCategorySettings>& paper_category_settings();

struct PresetSettings {
  ExtractorKind extractor = ExtractorKind::paper;
  int64_t input_size = 448;
  int64_t flow_steps = 4;
  TrainSettings train;
  std::string label;           // what the checkpoint records, e.g. "paper:bottle"
  bool category_known = true;  // false: `category` is no MVTec category, defaults were used
};

// The preset's settings for a category (the data folder's name). The paper preset falls back
// to the authors' default configuration for other categories (category_known false).
PresetSettings preset_settings(PresetKind kind, const std::string& category);
// The presets as a table for `uflow train --help`.
std::string presets_help();

}  // namespace uflow::app
