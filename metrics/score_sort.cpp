#include "metrics/score_sort.h"

#include <array>
#include <cmath>

#include "tensor/error.h"

namespace uflow::metrics {

void check_no_nan(std::span<const float> scores, std::string_view metric) {
  for (size_t i = 0; i < scores.size(); ++i)
    UFLOW_CHECK(!std::isnan(scores[i]), metric, ": score ", i, " is NaN");
}

void sort_by_score(std::vector<uint64_t>& items) {
  // LSD radix sort on the 32 key bits in three digits of 11, 11 and 10 bits.
  constexpr int kBits = 11;
  constexpr size_t kBuckets = size_t{1} << kBits;
  constexpr std::array<int, 3> kShift = {32, 32 + kBits, 32 + 2 * kBits};
  const size_t n = items.size();
  if (n < 2) return;

  std::array<std::vector<size_t>, 3> hist;
  for (auto& h : hist) h.assign(kBuckets, 0);
  for (const uint64_t v : items)
    for (int d = 0; d < 3; ++d) ++hist[d][(v >> kShift[d]) & (kBuckets - 1)];

  std::vector<uint64_t> buffer(n);
  for (int d = 0; d < 3; ++d) {
    auto& h = hist[d];
    // A digit shared by every item (common in the top bits of scores in a narrow range) moves
    // nothing; skipping it saves a full pass over memory.
    if (h[(items[0] >> kShift[d]) & (kBuckets - 1)] == n) continue;
    size_t offset = 0;
    for (auto& c : h) {
      const size_t count = c;
      c = offset;
      offset += count;
    }
    for (const uint64_t v : items) buffer[h[(v >> kShift[d]) & (kBuckets - 1)]++] = v;
    items.swap(buffer);
  }
}

}  // namespace uflow::metrics
