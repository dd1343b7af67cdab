#include "apps/model/presets.h"

#include <cstdio>

#include "apps/cli/choice.h"

namespace uflow::app {
namespace {

// The authors' default configuration (mvtec_default), used for categories without their own.
constexpr int64_t kPaperDefaultEpochs = 200, kPaperDefaultBatch = 8;
constexpr double kPaperDefaultLr = 1e-4;
constexpr double kWeightDecay = 1e-5;  // both the authors' code and anomalib
// anomalib's UFlow: learning rate 1e-3, 200 epochs; train batch 32 (its datamodules' default).
constexpr int64_t kAnomalibEpochs = 200, kAnomalibBatch = 32;
constexpr double kAnomalibLr = 1e-3;

}  // namespace

const char* to_string(PresetKind kind) {
  switch (kind) {
    case PresetKind::none:
      return "none";
    case PresetKind::paper:
      return "paper";
    case PresetKind::anomalib:
      return "anomalib";
  }
  UFLOW_FAIL("unknown preset kind");
}

PresetKind parse_preset(const std::string& text, const std::string& source) {
  return parse_choice(text, {PresetKind::none, PresetKind::paper, PresetKind::anomalib}, "preset",
                      source);
}

const std::vector<PaperCategorySettings>& paper_category_settings() {
  static const std::vector<PaperCategorySettings> table = {
      {"carpet", true, 200, 13, 3.163419554150971e-5},
      {"grid", true, 500, 12, 3.6224837438852e-5},
      {"leather", true, 500, 15, 6.124723659154866e-4},
      {"tile", true, 200, 30, 6.045754779719109e-3},
      {"wood", true, 500, 22, 2.466546120460351e-4},
      {"bottle", false, 200, 23, 1.1289990475381853e-4},
      {"cable", false, 200, 14, 1.616039111268198e-3},
      {"capsule", false, 200, 14, 1.2118892498142058e-3},
      {"hazelnut", false, 500, 21, 1.3268898640895934e-3},
      {"metal_nut", false, 200, 11, 8.148858311570219e-4},
      {"pill", false, 200, 11, 1.0756100354690954e-3},
      {"screw", false, 500, 11, 4.155987052838602e-4},
      {"toothbrush", false, 200, 21, 1.287312814913699e-4},
      {"transistor", false, 400, 20, 1.12129043027424e-3},
      {"zipper", false, 200, 24, 4.55246818236177e-5},
  };
  return table;
}

PresetSettings preset_settings(PresetKind kind, const std::string& category) {
  UFLOW_CHECK(kind != PresetKind::none, "preset none has no settings");
  PresetSettings p;
  p.train.weight_decay = kWeightDecay;
  p.label = std::string(to_string(kind)) + ":" + category;
  if (kind == PresetKind::anomalib) {
    p.train.epochs = kAnomalibEpochs;
    p.train.batch = kAnomalibBatch;
    p.train.lr = kAnomalibLr;
    return p;
  }
  p.train.epochs = kPaperDefaultEpochs;
  p.train.batch = kPaperDefaultBatch;
  p.train.lr = kPaperDefaultLr;
  p.category_known = false;
  for (const PaperCategorySettings& c : paper_category_settings())
    if (category == c.category) {
      p.train.epochs = c.epochs;
      p.train.batch = c.batch;
      p.train.lr = c.lr;
      p.category_known = true;
    }
  if (!p.category_known) p.label = "paper:default";
  return p;
}

std::string presets_help() {
  std::string s =
      "presets (--preset; options given explicitly override them):\n"
      "  paper     the authors' released settings per MVTec AD category (the data folder's\n"
      "            name, or --category): extractor paper (MS-CaiT), input 448, 4 flow steps,\n"
      "            Adam, weight decay 1e-5, linear LR decay:\n";
  char row[128];
  std::snprintf(row, sizeof row, "              %-11s %6s %6s  %s\n", "category", "epochs", "batch",
                "learning rate");
  s += row;
  for (const PaperCategorySettings& c : paper_category_settings()) {
    std::snprintf(row, sizeof row, "              %-11s %6lld %6lld  %.6g\n", c.category,
                  static_cast<long long>(c.epochs), static_cast<long long>(c.batch), c.lr);
    s += row;
  }
  std::snprintf(row, sizeof row, "              %-11s %6lld %6lld  %.6g\n", "(other)",
                static_cast<long long>(kPaperDefaultEpochs),
                static_cast<long long>(kPaperDefaultBatch), kPaperDefaultLr);
  s += row;
  s += "  anomalib  anomalib's UFlow defaults for every category: extractor paper, input 448,\n"
       "            4 flow steps, 200 epochs, batch 32, learning rate 1e-3, weight decay 1e-5\n"
       "  none      the option defaults above\n";
  return s;
}

}  // namespace uflow::app
