// exp, tanh and the normal CDF for float, written without library calls so that the compiler
// vectorises the loops that call them (the C library's expf and erff are scalar calls). The
// softmax of the attention logits and the exact GELU of the MLPs spend most of their time in
// these functions on the CPU. tests/core/test_vector_math.cpp bounds their error against
// double precision.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>

namespace uflow::cpu::vec {

inline float bits_to_float(int32_t i) {
  float f;
  std::memcpy(&f, &i, sizeof f);
  return f;
}

// e^x by x = n·ln2 + r, |r| <= ln2/2, e^r by a degree-6 polynomial with minimax-tuned
// coefficients (Cephes' expf), and 2^n applied as two powers of two that are both normal
// floats, so the final product overflows to +inf or underflows to a denormal or 0 exactly where
// e^x does. No branches or conditionals: loops that call it vectorise. NaN stays NaN.
inline float exp(float x) {
  // Beyond these, e^x is +inf or rounds to 0 in float; clamping keeps 2^n's halves normal.
  const float xc = std::min(std::max(x, -104.0f), 89.0f);  // NaN passes through
  constexpr float kLog2e = 1.44269504088896341f;
  constexpr float kLn2Hi = 0.693359375f, kLn2Lo = -2.12194440e-4f;
  // n = round(x / ln2) without a library call: floor(t) of t = x·log2(e) + 1/2.
  // A NaN x takes n = 0 (converting NaN to an integer is undefined); r, hence the result,
  // stays NaN. A select, so the loop still vectorises.
  const float t = xc == xc ? xc * kLog2e + 0.5f : 0.0f;
  int32_t n = static_cast<int32_t>(t);
  n -= static_cast<float>(n) > t ? 1 : 0;
  const float fn = static_cast<float>(n);
  const float r = (xc - fn * kLn2Hi) - fn * kLn2Lo;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  const float er = (p * r) * r + r + 1.0f;
  const int32_t half = n / 2;  // n in [-150, 129]: both halves within [-75, 65]
  return er * bits_to_float((half + 127) << 23) * bits_to_float((n - half + 127) << 23);
}

// Φ(x) = P(N(0, 1) <= x) = erfc(-x/√2) / 2, with erfc(z) = t·exp(−z² + R(t)), t = 1/(1 + |z|/2)
// and R the degree-9 Chebyshev fit of Numerical Recipes (erfcc), whose fractional error is
// below 1.2e-7 for every z. Unlike (1 + erf(x/√2))/2, this keeps full relative precision in the
// lower tail, where the exact GELU x·Φ(x) is tiny.
inline float normal_cdf(float x) {
  const float z = x * -0.70710678118654752f;
  const float az = std::fabs(z);
  const float t = 1.0f / (1.0f + 0.5f * az);
  float r = 0.17087277f;
  r = r * t + -0.82215223f;
  r = r * t + 1.48851587f;
  r = r * t + -1.13520398f;
  r = r * t + 0.27886807f;
  r = r * t + -0.18628806f;
  r = r * t + 0.09678418f;
  r = r * t + 0.37409196f;
  r = r * t + 1.00002368f;
  r = r * t + -1.26551223f;
  const float e = t * exp(r - az * az);      // erfc(|z|)
  const float erfc = z >= 0 ? e : 2.0f - e;  // NaN stays NaN through every step
  return 0.5f * erfc;
}

// tanh x: for |x| < 0.625 an odd polynomial x·(1 + x²·P(x²)) with P of degree 4 (a
// least-squares fit of tanh(x)/x in relative error, 2e-8 on that interval), beyond it
// sign(x)·(1 − 2/(e^{2|x|} + 1)), which has no cancellation there. Within 2.5 float ulps of the
// correctly rounded result; ±1 from |x| ≈ 9 on, NaN stays NaN.
inline float tanh(float x) {
  const float ax = std::fabs(x);
  const float x2 = x * x;
  float p = -0.006104837170321557f;
  p = p * x2 + 0.021003554351009222f;
  p = p * x2 + -0.053852475108945586f;
  p = p * x2 + 0.13332782054912712f;
  p = p * x2 + -0.3333332909447414f;
  const float small = x + x * (x2 * p);
  const float e = exp(2.0f * std::min(ax, 40.0f));  // e^80 is still finite in float
  const float big = 1.0f - 2.0f / (e + 1.0f);
  return ax < 0.625f ? small : (x < 0 ? -big : big);
}

}  // namespace uflow::cpu::vec
