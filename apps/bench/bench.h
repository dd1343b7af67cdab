// `uflow bench <what>`: measured figures, never assertions. Each entry prints medians of
// repeated runs and the machine it ran on.
#pragma once
#include <string>
#include <vector>

namespace uflow::app {

int bench_core(const std::vector<std::string>& args);
int bench_extractor(const std::vector<std::string>& args);
int bench_flow(const std::vector<std::string>& args);
int bench_nfa(const std::vector<std::string>& args);
int bench_precision(const std::vector<std::string>& args);  // bench_precision.h

}  // namespace uflow::app
