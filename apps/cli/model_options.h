// Options that shape the model and are shared by several commands, checked against the
// model's limits (apps/model/spec_limits.h).
#pragma once
#include "apps/cli/args.h"
#include "apps/model/model_spec.h"

namespace uflow::app {

// --input-size: in range and a multiple of 32 (two CaiT scales with 16-pixel patches).
int64_t input_size_option(const Args& a);

// The extractor of a new model: --extractor, --weights, --random-backbone, --input-size.
void add_extractor_options(Args& a);
// Reads them into spec; without --input-size, the extractor's default_input_size.
void apply_extractor_options(const Args& a, ModelSpec& spec);

}  // namespace uflow::app
