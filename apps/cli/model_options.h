// Options that shape the model and are shared by several commands, checked against the
// model's limits (apps/model/spec_limits.h).
#pragma once
#include "apps/cli/args.h"

namespace uflow::app {

// --input-size: in range and a multiple of 32 (two CaiT scales with 16-pixel patches).
int64_t input_size_option(const Args& a);

}  // namespace uflow::app
