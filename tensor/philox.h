// Philox 4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC 2011): a
// counter-based generator, so element i of a stream is a pure function of (seed, counter) and
// needs no state carried from element i-1. That is what lets the CPU loop and the CUDA kernel
// produce the same numbers and lets any slice of a stream be regenerated on its own.
//
// Element i of a tensor drawn at stream offset o uses the single 128-bit counter (o + i, 0);
// only integer operations and correctly rounded fma reach the uniform values, so both backends
// give the same bits. Normals go through log/sqrt/cos in double, which the two libms compute to
// within an ulp, so f64 normals agree to a few ulps and f32 normals almost always bit for bit.
#pragma once
#include <cmath>
#include <cstdint>

#include "tensor/dtype.h"

namespace uflow::philox {

struct Block {
  uint32_t v[4];
};

UFLOW_HD uint32_t mulhilo(uint32_t a, uint32_t b, uint32_t* hi) {
  const uint64_t p = static_cast<uint64_t>(a) * b;
  *hi = static_cast<uint32_t>(p >> 32);
  return static_cast<uint32_t>(p);
}

// Ten rounds of Philox 4x32 on counter (c0..c3) with key (k0, k1).
UFLOW_HD Block philox4x32_10(uint32_t c0, uint32_t c1, uint32_t c2, uint32_t c3, uint32_t k0,
                             uint32_t k1) {
  constexpr uint32_t kM0 = 0xD2511F53u, kM1 = 0xCD9E8D57u;
  constexpr uint32_t kW0 = 0x9E3779B9u, kW1 = 0xBB67AE85u;
  for (int r = 0; r < 10; ++r) {
    if (r > 0) {
      k0 += kW0;
      k1 += kW1;
    }
    uint32_t hi0, hi1;
    const uint32_t lo0 = mulhilo(kM0, c0, &hi0);
    const uint32_t lo1 = mulhilo(kM1, c2, &hi1);
    const uint32_t n0 = hi1 ^ c1 ^ k0;
    const uint32_t n2 = hi0 ^ c3 ^ k1;
    c0 = n0;
    c1 = lo1;
    c2 = n2;
    c3 = lo0;
  }
  return Block{{c0, c1, c2, c3}};
}

// The four words for stream position n under seed.
UFLOW_HD Block at(uint64_t seed, uint64_t n) {
  return philox4x32_10(static_cast<uint32_t>(n), static_cast<uint32_t>(n >> 32), 0u, 0u,
                       static_cast<uint32_t>(seed), static_cast<uint32_t>(seed >> 32));
}

// Uniform in [0, 1) with the dtype's full mantissa: 24 random bits for float, 53 for double.
template <typename T>
UFLOW_HD T unit_uniform(const Block& b);
template <>
UFLOW_HD float unit_uniform<float>(const Block& b) {
  return static_cast<float>(b.v[0] >> 8) * 5.9604644775390625e-08f;  // 2^-24
}
template <>
UFLOW_HD double unit_uniform<double>(const Block& b) {
  const uint64_t bits = (static_cast<uint64_t>(b.v[0]) << 21) ^ (b.v[1] >> 11);
  return static_cast<double>(bits) * 1.1102230246251565404e-16;  // 2^-53
}

// a·b + c with one rounding in T's own precision (fmaf for float: calling the double fma on
// floats would round twice and could differ from the device in the last bit).
UFLOW_HD float fused(float a, float b, float c) {
  return fmaf(a, b, c);
}
UFLOW_HD double fused(double a, double b, double c) {
  return fma(a, b, c);
}

// lo + span·u with one rounding, so no compiler contraction choice can change the bits.
template <typename T>
UFLOW_HD T uniform(uint64_t seed, uint64_t n, T lo, T span) {
  return fused(span, unit_uniform<T>(at(seed, n)), lo);
}

// Standard normal by Box–Muller from words (0, 1) and (2, 3) of one block, in double.
// u1 lies in (0, 1] so the logarithm is finite.
UFLOW_HD double standard_normal(uint64_t seed, uint64_t n) {
  const Block b = at(seed, n);
  const uint64_t a = (static_cast<uint64_t>(b.v[0]) << 21) ^ (b.v[1] >> 11);
  const uint64_t c = (static_cast<uint64_t>(b.v[2]) << 21) ^ (b.v[3] >> 11);
  const double u1 = static_cast<double>(a + 1) * 1.1102230246251565404e-16;
  const double u2 = static_cast<double>(c) * 1.1102230246251565404e-16;
  // Global-namespace math: uflow::sqrt etc. (tensor ops) would hide them where declared.
  return ::sqrt(-2.0 * ::log(u1)) * ::cos(6.283185307179586477 * u2);
}

template <typename T>
UFLOW_HD T normal(uint64_t seed, uint64_t n, double mean, double std) {
  return static_cast<T>(fused(std, standard_normal(seed, n), mean));
}

}  // namespace uflow::philox
