// `uflow demo`: the whole method with nothing downloaded. Generates a synthetic MVTec-style
// category, trains the flow on features of a small seeded random-weight CaiT, evaluates it and
// writes the report.
#pragma once
#include <string>
#include <vector>

namespace uflow::app {
int demo_command(const std::vector<std::string>& args);
}  // namespace uflow::app
