// The number of tests of the tree NFA: every 4-connected region (polyomino) that could be tested,
// counted over all scales. The count overflows a double (β^784 ≈ 10^477), so it lives in log10.
#pragma once
#include <cstdint>
#include <span>

namespace uflow::contrario {

// Constants of the polyomino growth approximation #polyominoes(r) ≈ α·β^r / r.
inline constexpr double kPolyominoAlpha = 0.316915;
inline constexpr double kPolyominoBeta = 4.06257;

// log10 N_tests with N_tests = Σ_s N_s · Σ_{r=1..N_s} α·β^r / r, N_s = pixels of scale s.
double log10_number_of_tests(std::span<const int64_t> pixels_per_scale);

}  // namespace uflow::contrario
