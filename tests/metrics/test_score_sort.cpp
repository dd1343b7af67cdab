// The float → key map and the radix sort under every ranking metric.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "metric_cases.h"
#include "metrics/score_sort.h"

namespace m = uflow::metrics;

TEST_CASE("score_key preserves order and merges -0 with +0") {
  const std::vector<float> ordered = {-INFINITY,
                                      -std::numeric_limits<float>::max(),
                                      -1.5f,
                                      -std::numeric_limits<float>::denorm_min(),
                                      0.0f,
                                      std::numeric_limits<float>::denorm_min(),
                                      1e-30f,
                                      1.0f,
                                      std::numeric_limits<float>::max(),
                                      INFINITY};
  for (size_t i = 1; i < ordered.size(); ++i) {
    INFO(ordered[i - 1], " < ", ordered[i]);
    CHECK(m::score_key(ordered[i - 1]) < m::score_key(ordered[i]));
  }
  for (const float f : ordered) CHECK(m::key_score(m::score_key(f)) == f);
  CHECK(m::score_key(-0.0f) == m::score_key(0.0f));
}

TEST_CASE("sort_by_score matches std::stable_sort on scores") {
  // Mixed signs, wide exponents, and ties (payload = original index checks stability).
  std::vector<float> s;
  for (uint32_t i = 0; i < 5000; ++i) {
    const uint32_t h = m::test::hash32(i, 11);
    const float base = static_cast<float>(h % 200) - 100.0f;
    s.push_back(i % 3 == 0 ? base : std::ldexp(base, static_cast<int>(h >> 26) - 32));
  }
  std::vector<uint64_t> items;
  for (uint32_t i = 0; i < s.size(); ++i) items.push_back(m::pack_score(s[i], i));
  m::sort_by_score(items);

  std::vector<uint32_t> order(s.size());
  for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return s[a] < s[b]; });
  REQUIRE(items.size() == order.size());
  for (size_t i = 0; i < order.size(); ++i) {
    INFO("rank ", i);
    CHECK(m::packed_payload(items[i]) == order[i]);
    CHECK(m::packed_score(items[i]) == s[order[i]]);
  }
}

TEST_CASE("sort_by_score skips shared digits correctly") {
  // All keys share the top digit; the lower digits still sort.
  std::vector<uint64_t> items;
  const std::vector<float> s = {0.75f, 0.5f, 0.625f, 0.5000001f, 0.5f};
  for (uint32_t i = 0; i < s.size(); ++i) items.push_back(m::pack_score(s[i], i));
  m::sort_by_score(items);
  std::vector<uint32_t> payloads;
  for (const uint64_t v : items) payloads.push_back(m::packed_payload(v));
  CHECK(payloads == std::vector<uint32_t>{1, 4, 3, 2, 0});
}
