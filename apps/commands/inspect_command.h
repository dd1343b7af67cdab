// uflow inspect: what a trained flow does inside, and whether its a-contrario threshold holds,
// on given normal inputs (apps/inspect/flow_inspection.h).
#pragma once
#include <string>
#include <vector>

namespace uflow::app {
int inspect_command(const std::vector<std::string>& args);
}  // namespace uflow::app
