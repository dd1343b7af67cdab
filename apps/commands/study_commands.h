// Commands for people studying the method's internals, all exchanging HDF5 files:
//   uflow features: images + extractor -> f1, f2, ... (B, C, H, W), finest first
//   uflow latents:  images (or a features file) + checkpoint -> z1, z2, ..., log_det, anomaly_map
//   uflow nfa:      latents file (z1, z2, ...) -> nfa (B, 1, T, T) = −log10 NFA and mask
#pragma once
#include <string>
#include <vector>

namespace uflow::app {
int features_command(const std::vector<std::string>& args);
int latents_command(const std::vector<std::string>& args);
int nfa_command(const std::vector<std::string>& args);
}  // namespace uflow::app
