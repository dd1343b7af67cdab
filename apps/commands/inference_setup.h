// Rebuilding a trained model from its checkpoint for predict and eval, and the options both
// commands share.
#pragma once
#include <memory>
#include <string>

#include "apps/cli/args.h"
#include "apps/model/checkpoint.h"
#include "apps/model/predictor.h"

namespace uflow::app {

struct LoadedModel {
  CheckpointInfo info;
  std::unique_ptr<FeatureExtractor> extractor;
  std::unique_ptr<UFlow> flow;
};

// weights_dir overrides the checkpoint's extractor weight folder when non-empty.
LoadedModel load_model(const std::string& checkpoint, const std::string& weights_dir,
                       Device device);

// Declares the NFA options: --<method_option> tree|block, --guard, --window, --prob, --size.
void add_nfa_options(Args& a, const std::string& method_option);
contrario::NfaSettings nfa_settings(const Args& a, const std::string& method_option);
// The NFA method's spelling, read once; `source` (the option) starts the error line.
contrario::NfaMethod parse_nfa_method(const std::string& text, const std::string& source);

// Declares the NFA options (method as --nfa), --batch, --device, --weights.
void add_inference_options(Args& a);
PredictOptions inference_options(const Args& a);

}  // namespace uflow::app
