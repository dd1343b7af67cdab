// CUDA launchers of the NFA's per-pixel work. Plain C++ declarations so that the dispatching
// .cpp files can call them; every pointer is device memory, work runs on uflow's stream.
#pragma once
#include <cstdint>
#include <vector>

namespace uflow::contrario::cuda {

// z (B, C, hw) -> sum_sq (B, hw): Σ_c z², in double, channels in order (as the CPU does).
void sum_of_squares(const float* z, int64_t batch, int64_t channels, int64_t hw, double* sum_sq);

// z (B, C, h, w) -> out (B, h, w): the block NFA's per-scale log10 P (block_log_prob.h).
// table is the host binomial tail table with (2·half_width+1)² + 1 entries.
void block_log_prob_maps(const float* z, int64_t batch, int64_t channels, int64_t h, int64_t w,
                         int64_t half_width, float tau, const std::vector<double>& table,
                         float* out);

// score[i] = −(min or sum over s of maps[s][i] + log10_tests).
void combine_scales(const std::vector<const float*>& maps, int64_t n, bool use_min,
                    double log10_tests, float* score);

// mask[i] = score[i] > epsilon ? 1 : 0.
void threshold(const float* score, int64_t n, double epsilon, float* mask);

}  // namespace uflow::contrario::cuda
