// The plan and the accumulators of the GPU reductions (tensor/reduce_pieces.h), run on the CPU:
// a host emulation of the two passes of tensor/cuda/reduce.cu (per piece: kReduceBlock strided
// thread accumulators and the same shared-memory tree when K == 1, one sequential thread when
// K > 1; then the combine over pieces) must give what the sequential CPU reduction gives:
// max, min and argmax exactly (ties across piece boundaries, NaN, -inf), sums and variances to
// double rounding.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "tensor/reduce_pieces.h"

using namespace uflow;
using namespace uflow::rd;

namespace {

// One pass over (A, R, K) cut into P pieces of L; src(a, r, k) gives an accumulator.
template <typename Op, typename Src>
std::vector<typename Op::Acc> pass(const Src& src, int64_t A, int64_t R, int64_t K, int64_t P,
                                   int64_t L) {
  using Acc = typename Op::Acc;
  std::vector<Acc> out(static_cast<size_t>(A * P * K));
  for (int64_t a = 0; a < A; ++a)
    for (int64_t p = 0; p < P; ++p)
      for (int64_t k = 0; k < K; ++k) {
        const int64_t lo = p * L, hi = std::min(R, lo + L);
        Acc acc = Op::identity();
        if (K == 1) {  // a block: strided thread accumulators, then the tree
          std::vector<Acc> t(kReduceBlock, Op::identity());
          for (int64_t th = 0; th < kReduceBlock; ++th)
            for (int64_t r = lo + th; r < hi; r += kReduceBlock)
              t[th] = Op::combine(t[th], src(a, r, k));
          for (int s = kReduceBlock / 2; s > 0; s >>= 1)
            for (int th = 0; th < s; ++th) t[th] = Op::combine(t[th], t[th + s]);
          acc = t[0];
        } else {
          for (int64_t r = lo; r < hi; ++r) acc = Op::combine(acc, src(a, r, k));
        }
        out[(a * P + p) * K + k] = acc;
      }
  return out;
}

// Both passes, as reduce.cu runs them; one result per output a·K + k.
template <typename Op, typename T>
std::vector<typename Op::Acc> two_pass(const std::vector<T>& x, int64_t A, int64_t R, int64_t K) {
  using Acc = typename Op::Acc;
  const ReductionSplit s = split_reduction(A, R, K);
  auto input = [&](int64_t a, int64_t r, int64_t k) { return Op::load(x[(a * R + r) * K + k], r); };
  if (s.P == 1) return pass<Op>(input, A, R, K, 1, R);
  const std::vector<Acc> partial = pass<Op>(input, A, R, K, s.P, s.L);
  auto from_partial = [&](int64_t a, int64_t p, int64_t k) {
    return partial[(a * s.P + p) * K + k];
  };
  return pass<Op>(from_partial, A, s.P, K, 1, s.P);
}

struct Shape3 {
  int64_t A, R, K;
};

std::vector<double> values(const Shape3& s, uint64_t seed) {
  std::vector<double> v(static_cast<size_t>(s.A * s.R * s.K));
  uint64_t st = seed * 0x9E3779B97F4A7C15ull + 1;
  for (double& x : v) {
    st = st * 6364136223846793005ull + 1442695040888963407ull;
    x = static_cast<double>(st >> 40) / static_cast<double>(1 << 24) * 6.0 - 3.0;
  }
  return v;
}

// Shapes that split (P > 1) both ways, and some that do not.
const Shape3 kShapes[] = {{1, 1000003, 1}, {3, 5000, 1}, {1, 3000, 768}, {2, 700, 33},
                          {7, 300, 1},     {1, 100, 5},  {4, 1, 1},      {1, 5000, 2}};

}  // namespace

TEST_CASE("the split covers every element once and parallelises long runs") {
  for (const Shape3& s : kShapes) {
    CAPTURE(s.A);
    CAPTURE(s.R);
    CAPTURE(s.K);
    const ReductionSplit sp = split_reduction(s.A, s.R, s.K);
    CHECK(sp.P >= 1);
    CHECK(sp.P * sp.L >= s.R);
    CHECK((sp.P - 1) * sp.L < s.R);
  }
  // A bias gradient over B·N rows (K = D) and a full reduction are cut into many pieces.
  CHECK(split_reduction(1, 16 * 784, 768).P >= 100);
  CHECK(split_reduction(1, int64_t{1} << 28, 1).P == kTargetBlocks);
  CHECK(split_reduction(1 << 20, 768, 1).P == 1);  // enough rows already
  CHECK(split_reduction(1, 0, 1).P == 1);
}

TEST_CASE("two-pass sums, means and variances match the sequential reduction") {
  for (const Shape3& s : kShapes) {
    CAPTURE(s.A);
    CAPTURE(s.R);
    CAPTURE(s.K);
    const std::vector<double> x = values(s, 1);
    const auto sums = two_pass<SumAcc<double>>(x, s.A, s.R, s.K);
    const auto moments = two_pass<VarAcc<double>>(x, s.A, s.R, s.K);
    for (int64_t i = 0; i < s.A * s.K; ++i) {
      const double* p = x.data() + (i / s.K) * s.R * s.K + i % s.K;
      const double ref = sum(p, s.R, s.K);
      CHECK(sums[i] == doctest::Approx(ref).epsilon(1e-12).scale(1.0));
      const double mean = ref / static_cast<double>(s.R);
      const double ssd = sum_sq_dev(p, s.R, s.K, mean);
      CHECK(moments[i].n == static_cast<double>(s.R));
      CHECK(moments[i].mean == doctest::Approx(mean).epsilon(1e-12).scale(1.0));
      CHECK(moments[i].m2 == doctest::Approx(ssd).epsilon(1e-11).scale(1e-12));
    }
  }
}

TEST_CASE("two-pass max, min and argmax are exact, with ties across pieces, NaN and -inf") {
  const double inf = std::numeric_limits<double>::infinity();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (const Shape3& s : kShapes) {
    for (int variant = 0; variant < 4; ++variant) {
      CAPTURE(s.A);
      CAPTURE(s.R);
      CAPTURE(s.K);
      CAPTURE(variant);
      std::vector<float> x;
      for (double v : values(s, 2)) x.push_back(static_cast<float>(std::round(v)));  // ties
      const int64_t runs = s.A * s.K;
      for (int64_t i = 0; i < runs; ++i) {
        auto at = [&](int64_t r) -> float& { return x[((i / s.K) * s.R + r) * s.K + i % s.K]; };
        if (variant == 1) {  // equal maxima in the first and last pieces
          at(s.R - 1) = 9;
          at(s.R / 2) = 9;
        }
        if (variant == 2 && s.R > 2) at(s.R - 2) = static_cast<float>(nan);  // NaN wins
        if (variant == 3)
          for (int64_t r = 0; r < s.R; ++r) at(r) = static_cast<float>(-inf);
      }
      const auto mx = two_pass<PickAcc<float, BinaryOp::maximum>>(x, s.A, s.R, s.K);
      const auto mn = two_pass<PickAcc<float, BinaryOp::minimum>>(x, s.A, s.R, s.K);
      const auto am = two_pass<ArgAcc<float>>(x, s.A, s.R, s.K);
      for (int64_t i = 0; i < runs; ++i) {
        const float* p = x.data() + (i / s.K) * s.R * s.K + i % s.K;
        const float rmax = max(p, s.R, s.K), rmin = min(p, s.R, s.K);
        CHECK((mx[i] == rmax || (std::isnan(mx[i]) && std::isnan(rmax))));
        CHECK((mn[i] == rmin || (std::isnan(mn[i]) && std::isnan(rmin))));
        CHECK(am[i].i == argmax(p, s.R, s.K));
      }
    }
  }
}
