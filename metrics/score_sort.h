// Sorting millions of pixel scores is the cost of every ranking metric. Scores are packed with a
// 32-bit payload into one word and radix-sorted, which is several times faster than a comparison
// sort at the 10^7 pixels of an MVTec AD test set.
#pragma once
#include <bit>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace uflow::metrics {

// Order-preserving map float → uint32 (a < b ⇔ key(a) < key(b)); −0 and +0 share one key so that
// equal scores always form one tie group.
inline uint32_t score_key(float s) {
  const uint32_t bits = std::bit_cast<uint32_t>(s == 0.0f ? 0.0f : s);
  return (bits & 0x80000000u) ? ~bits : (bits | 0x80000000u);
}
inline float key_score(uint32_t key) {
  return std::bit_cast<float>((key & 0x80000000u) ? (key & 0x7fffffffu) : ~key);
}

// Score key in the high half, payload in the low half.
inline uint64_t pack_score(float s, uint32_t payload) {
  return (uint64_t{score_key(s)} << 32) | payload;
}
inline float packed_score(uint64_t item) {
  return key_score(static_cast<uint32_t>(item >> 32));
}
inline uint32_t packed_payload(uint64_t item) {
  return static_cast<uint32_t>(item);
}

// Throws uflow::Error naming `metric` when a score is NaN (NaN has no place in a ranking).
void check_no_nan(std::span<const float> scores, std::string_view metric);

// Stable ascending sort by score key (the high 32 bits); payloads of tied scores keep their order.
void sort_by_score(std::vector<uint64_t>& items);

// Visits sorted items one run of equal scores at a time, highest score first:
// fn(std::span<const uint64_t> group, float score) returns false to stop early.
template <typename Fn>
void for_each_tie_group_descending(const std::vector<uint64_t>& sorted, Fn&& fn) {
  size_t end = sorted.size();
  while (end > 0) {
    const uint64_t key = sorted[end - 1] >> 32;
    size_t begin = end - 1;
    while (begin > 0 && (sorted[begin - 1] >> 32) == key) --begin;
    if (!fn(std::span<const uint64_t>(sorted).subspan(begin, end - begin),
            key_score(static_cast<uint32_t>(key))))
      return;
    end = begin;
  }
}

}  // namespace uflow::metrics
