// The inputs of tools/reference/metrics_reference.py, rebuilt from the same integer recipe so
// that only the expected values need storing (reference_values.h). Keep the two in sync.
#pragma once
#include <cstdint>
#include <vector>

#include "metrics/stack_shape.h"

namespace uflow::metrics::test {

// murmur3 finaliser of i·0x9E3779B1 + seed (mod 2^32).
inline uint32_t hash32(uint32_t i, uint32_t seed) {
  uint32_t x = i * 0x9E3779B1u + seed;
  x ^= x >> 16;
  x *= 0x85EBCA6Bu;
  x ^= x >> 13;
  x *= 0xC2B2AE35u;
  x ^= x >> 16;
  return x;
}

struct Blob {
  size_t image;
  bool disc;  // disc: a = cy, b = cx, c = r; rectangle: rows [a, c), columns [b, d)
  int a, b, c, d;
};

struct Case {
  StackShape shape;
  std::vector<float> scores;
  std::vector<uint8_t> masks;
};

inline std::vector<uint8_t> masks_from_blobs(StackShape s, const std::vector<Blob>& blobs) {
  std::vector<uint8_t> m(s.pixels(), 0);
  for (const Blob& bl : blobs)
    for (int y = 0; y < static_cast<int>(s.height); ++y)
      for (int x = 0; x < static_cast<int>(s.width); ++x) {
        const bool in = bl.disc ? (y - bl.a) * (y - bl.a) + (x - bl.b) * (x - bl.b) <= bl.c * bl.c
                                : y >= bl.a && y < bl.c && x >= bl.b && x < bl.d;
        if (in) m[(bl.image * s.height + y) * s.width + x] = 1;
      }
  return m;
}

// Integer scores hash % 12, +5 inside the ground truth: many ties across both classes.
// Image 1 holds two squares touching only at a corner (one region with 8-connectivity), a
// single-pixel region and a disc clipped by the border; image 2 is a good image.
inline Case ties_case() {
  Case c{{4, 20, 24}, {}, {}};
  c.masks = masks_from_blobs(c.shape, {{0, true, 5, 6, 3, 0},
                                       {0, false, 12, 14, 17, 22},
                                       {1, false, 2, 2, 3, 3},
                                       {1, false, 8, 8, 11, 11},
                                       {1, false, 11, 11, 14, 14},
                                       {1, true, 15, 20, 2, 0},
                                       {1, true, 0, 23, 3, 0},
                                       {3, false, 3, 3, 17, 20},
                                       {3, true, 18, 22, 1, 0}});
  for (size_t i = 0; i < c.shape.pixels(); ++i)
    c.scores.push_back(
        static_cast<float>(hash32(static_cast<uint32_t>(i), 1) % 12 + (c.masks[i] ? 5 : 0)));
  return c;
}

// (hash >> 9) / 2^23, +0.25 inside the ground truth; all values exact in float32.
inline Case continuous_case() {
  Case c{{3, 17, 13}, {}, {}};
  c.masks = masks_from_blobs(
      c.shape, {{0, true, 8, 6, 4, 0}, {1, false, 0, 0, 4, 13}, {1, false, 16, 12, 17, 13}});
  for (size_t i = 0; i < c.shape.pixels(); ++i) {
    const uint32_t k = (hash32(static_cast<uint32_t>(i), 7) >> 9) + (c.masks[i] ? 1u << 21 : 0u);
    c.scores.push_back(static_cast<float>(k) / 8388608.0f);
  }
  return c;
}

}  // namespace uflow::metrics::test
