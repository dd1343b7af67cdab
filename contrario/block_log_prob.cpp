#include "contrario/block_log_prob.h"

#include "contrario/nfa_math.h"
#include "tensor/error.h"

namespace uflow::contrario {

int64_t block_half_width(int64_t window, int64_t scale) {
  UFLOW_CHECK(window >= 1 && scale >= 0 && scale < 62, "block_half_width: window ", window,
              ", scale ", scale);
  const int64_t hw = window >> (scale + 1);  // ⌊window / 2^(s+1)⌋, exact for integers
  return hw < 1 ? 1 : hw;
}

void count_candidates(const float* z, int64_t channels, int64_t hw, float tau, int32_t* count) {
  for (int64_t p = 0; p < hw; ++p) count[p] = 0;
  for (int64_t c = 0; c < channels; ++c) {
    const float* zc = z + c * hw;
    for (int64_t p = 0; p < hw; ++p) count[p] += zc[p] * zc[p] >= tau ? 1 : 0;
  }
}

void block_log_prob_map(const int32_t* count, int64_t h, int64_t w, int64_t channels,
                        int64_t half_width, std::span<const double> table, float* out) {
  const int64_t side = 2 * half_width + 1;
  UFLOW_CHECK(half_width >= 1 && half_width < h && half_width < w, "block NFA: window half-width ",
              half_width, " needs a map larger than that, got ", h, "x", w);
  UFLOW_CHECK(static_cast<int64_t>(table.size()) == side * side + 1, "block NFA: table has ",
              table.size(), " entries for a ", side, "x", side, " window");
  for (int64_t y = 0; y < h; ++y)
    for (int64_t x = 0; x < w; ++x)
      out[y * w + x] =
          window_log_prob(window_sum(count, h, w, y, x, half_width), channels, table.data());
}

}  // namespace uflow::contrario
