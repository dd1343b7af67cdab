// The counter-based RNG: Philox known answers, determinism, regeneration of any slice of a
// stream, the Generator's bookkeeping, and moments within statistical bounds.
#include <cmath>

#include "tensor/generator.h"
#include "tensor/philox.h"
#include "test_util.h"

using namespace uflow;

TEST_CASE("Philox4x32-10 reproduces Random123's known-answer vectors") {
  // Random123 tests/kat_vectors (Salmon et al. 2011): counter, key -> output.
  struct Kat {
    uint32_t c[4], k[2], out[4];
  };
  const Kat kats[] = {{{0, 0, 0, 0}, {0, 0}, {0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}},
                      {{0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff},
                       {0xffffffff, 0xffffffff},
                       {0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}},
                      {{0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344},
                       {0xa4093822, 0x299f31d0},
                       {0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}}};
  for (const Kat& t : kats) {
    const philox::Block b = philox::philox4x32_10(t.c[0], t.c[1], t.c[2], t.c[3], t.k[0], t.k[1]);
    for (int i = 0; i < 4; ++i) CHECK(b.v[i] == t.out[i]);
  }
}

TEST_CASE("same seed and offset give the same bits; other seeds differ") {
  for (DType dt : {DType::f32, DType::f64}) {
    const auto a = kernels::rand_uniform({1000}, 42, 7, -1, 3, dt).to_vector();
    const auto b = kernels::rand_uniform({1000}, 42, 7, -1, 3, dt).to_vector();
    const auto c = kernels::rand_uniform({1000}, 43, 7, -1, 3, dt).to_vector();
    CHECK(a == b);
    CHECK(a != c);
    const auto n1 = kernels::rand_normal({1000}, 42, 0, 0, 1, dt).to_vector();
    const auto n2 = kernels::rand_normal({1000}, 42, 0, 0, 1, dt).to_vector();
    CHECK(n1 == n2);
    // Seeds that differ only in the high 32 bits give different streams too.
    const auto h = kernels::rand_uniform({16}, 42ull | (1ull << 40), 7, -1, 3, dt).to_vector();
    CHECK(h != std::vector<double>(a.begin(), a.begin() + 16));
  }
}

TEST_CASE("any slice of a stream regenerates from its offset") {
  for (DType dt : {DType::f32, DType::f64}) {
    const auto whole = kernels::rand_uniform({4, 25}, 9, 1000, 0, 1, dt).to_vector();
    const auto part = kernels::rand_uniform({13}, 9, 1037, 0, 1, dt).to_vector();
    CHECK(part == std::vector<double>(whole.begin() + 37, whole.begin() + 50));
    const auto nw = kernels::rand_normal({100}, 9, 1000, 2, 3, dt).to_vector();
    const auto np = kernels::rand_normal({5}, 9, 1090, 2, 3, dt).to_vector();
    CHECK(np == std::vector<double>(nw.begin() + 90, nw.begin() + 95));
  }
  // Offsets past 2^32 use the high counter word.
  const auto hi = kernels::rand_uniform({4}, 1, (1ull << 32) - 2, 0, 1, DType::f64).to_vector();
  const auto hi2 = kernels::rand_uniform({2}, 1, 1ull << 32, 0, 1, DType::f64).to_vector();
  CHECK(hi2 == std::vector<double>(hi.begin() + 2, hi.end()));
  CHECK(hi[0] != hi[2]);
}

TEST_CASE("the Generator hands out consecutive, disjoint ranges") {
  Generator g(5);
  const auto a = g.uniform({10}, 0, 1).to_vector();
  const auto b = g.normal({6}, 0, 1).to_vector();
  CHECK(g.offset() == 16);
  CHECK(a == kernels::rand_uniform({10}, 5, 0, 0, 1).to_vector());
  CHECK(b == kernels::rand_normal({6}, 5, 10, 0, 1).to_vector());
  g.manual_seed(5);
  CHECK(g.offset() == 0);
  CHECK(g.uniform({10}, 0, 1).to_vector() == a);
  CHECK(g.next_offset(3) == 10);
  CHECK(g.offset() == 13);
}

TEST_CASE("uniform values lie in [lo, hi) with the right moments and a flat histogram") {
  const int64_t n = 200000;
  for (DType dt : {DType::f32, DType::f64}) {
    INFO("dtype ", std::string(dtype_name(dt)));
    const auto v = kernels::rand_uniform({n}, 123, 0, -2, 6, dt).to_vector();
    double s = 0, s2 = 0;
    std::vector<int64_t> hist(10, 0);
    bool in_range = true;
    for (double x : v) {
      in_range = in_range && x >= -2 && x < 6;
      s += x;
      s2 += x * x;
      ++hist[std::min<int64_t>(9, static_cast<int64_t>((x + 2) / 0.8))];
    }
    CHECK(in_range);
    const double mean = s / n, var = s2 / n - mean * mean;
    // Uniform(-2, 6): mean 2, variance 64/12; bounds are 5 standard errors.
    CHECK(std::fabs(mean - 2) < 5 * std::sqrt(64.0 / 12 / n));
    CHECK(std::fabs(var - 64.0 / 12) <
          5 * std::sqrt((std::pow(8.0, 4) / 80 - std::pow(64.0 / 12, 2)) / n));
    for (int64_t c : hist) CHECK(std::fabs(c - n / 10.0) < 5 * std::sqrt(n * 0.1 * 0.9));
  }
}

TEST_CASE("normal values have the requested mean and standard deviation") {
  const int64_t n = 200000;
  for (DType dt : {DType::f32, DType::f64}) {
    INFO("dtype ", std::string(dtype_name(dt)));
    const auto v = kernels::rand_normal({n}, 321, 0, 1.5, 0.5, dt).to_vector();
    double s = 0, s2 = 0, s4 = 0;
    int64_t within1 = 0;
    bool finite = true;
    for (double x : v) {
      finite = finite && std::isfinite(x);
      s += x;
      s2 += (x - 1.5) * (x - 1.5);
      s4 += std::pow((x - 1.5) / 0.5, 4);
      within1 += std::fabs(x - 1.5) < 0.5;
    }
    CHECK(finite);
    CHECK(std::fabs(s / n - 1.5) < 5 * 0.5 / std::sqrt(double(n)));
    // Var of the sample variance of a normal is 2σ⁴/n.
    CHECK(std::fabs(s2 / n - 0.25) < 5 * 0.25 * std::sqrt(2.0 / n));
    // Kurtosis 3 (a uniform or a sum of few uniforms would miss this); its sd is √(96/n).
    CHECK(std::fabs(s4 / n - 3) < 5 * std::sqrt(96.0 / n));
    // P(|z| < 1) = 0.682689...
    CHECK(std::fabs(double(within1) / n - 0.6826894921) < 5 * std::sqrt(0.6827 * 0.3173 / n));
  }
}

TEST_CASE("bad arguments are rejected") {
  CHECK_THROWS_AS(kernels::rand_uniform({3}, 0, 0, 1, 0), Error);
  CHECK_THROWS_AS(kernels::rand_normal({3}, 0, 0, 0, -1), Error);
}
