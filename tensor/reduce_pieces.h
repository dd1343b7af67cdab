// How the GPU reductions (tensor/cuda/reduce.cu) cut a contiguous (A, R, K) input so that the
// reduced axis R is parallel too, and what they accumulate. Host/device code, so that the plan
// and the combine steps are tested on the CPU (tests/core/test_reduce_pieces.cpp).
//
// Each run of R elements (one per output a·K + k) is cut into P pieces of L elements; a first
// pass reduces each piece, a second combines the P partial results of each output. With
// K == 1 a piece is reduced by a block of kReduceBlock threads, with K > 1 by one thread. P
// grows until there are about kTargetBlocks pieces (K == 1) or kTargetThreads piece-threads
// (K > 1), but a piece never gets fewer than kMinRowPiece / kMinColPiece elements.
//
// Sums accumulate in double; variance combines (count, mean, M2) triples in double (the
// pairwise update of Chan, Golub and LeVeque), which agrees with the CPU's two passes to
// double rounding. Every accumulator has an identity, so a thread with no element is neutral.
#pragma once
#include <algorithm>
#include <cstdint>
#include <limits>

#include "tensor/reduce_math.h"

namespace uflow::rd {

constexpr int kReduceBlock = 256;
constexpr int64_t kTargetBlocks = 1024;               // ~8 per SM of an H100/H200
constexpr int64_t kTargetThreads = int64_t{1} << 17;  // pieces × outputs when K > 1
constexpr int64_t kMinRowPiece = 4 * kReduceBlock;
constexpr int64_t kMinColPiece = 32;

struct ReductionSplit {
  int64_t P, L;  // pieces per run and elements per piece (the last may be shorter)
};

inline ReductionSplit split_reduction(int64_t A, int64_t R, int64_t K) {
  const int64_t outputs = A * K;
  const bool rows = K == 1;
  const int64_t target = rows ? kTargetBlocks : kTargetThreads;
  const int64_t min_piece = rows ? kMinRowPiece : kMinColPiece;
  if (R <= min_piece || outputs >= target) return {1, R};
  int64_t P = (target + outputs - 1) / outputs;
  P = std::min(P, (R + min_piece - 1) / min_piece);
  const int64_t L = (R + P - 1) / P;
  return {(R + L - 1) / L, L};
}

template <typename T>
struct SumAcc {
  using Acc = double;
  UFLOW_HD static Acc identity() { return 0.0; }
  UFLOW_HD static Acc load(T v, int64_t) { return static_cast<double>(v); }
  UFLOW_HD static Acc combine(Acc a, Acc b) { return a + b; }
};

template <typename T, BinaryOp OP>
struct PickAcc {  // max or min: NaN wins (ew::binary); ∓inf is neutral
  using Acc = T;
  UFLOW_HD static Acc identity() {
    return OP == BinaryOp::maximum ? -std::numeric_limits<T>::infinity()
                                   : std::numeric_limits<T>::infinity();
  }
  UFLOW_HD static Acc load(T v, int64_t) { return v; }
  UFLOW_HD static Acc combine(Acc a, Acc b) { return ew::binary<OP>(a, b); }
};

template <typename T>
struct ArgAcc {  // the first maximum: -inf at an index past every real one is neutral
  using Acc = ArgBest<T>;
  UFLOW_HD static Acc identity() {
    return {-std::numeric_limits<T>::infinity(), std::numeric_limits<int64_t>::max()};
  }
  UFLOW_HD static Acc load(T v, int64_t r) { return {v, r}; }
  UFLOW_HD static Acc combine(Acc a, Acc b) { return argmax_combine(a, b); }
};

struct Moments {
  double n, mean, m2;  // count, mean, Σ (x − mean)²
};
template <typename T>
struct VarAcc {
  using Acc = Moments;
  UFLOW_HD static Acc identity() { return {0.0, 0.0, 0.0}; }
  UFLOW_HD static Acc load(T v, int64_t) { return {1.0, static_cast<double>(v), 0.0}; }
  UFLOW_HD static Acc combine(Acc a, Acc b) {
    if (a.n == 0) return b;
    if (b.n == 0) return a;
    const double n = a.n + b.n, d = b.mean - a.mean;
    return {n, a.mean + d * (b.n / n), a.m2 + b.m2 + d * d * (a.n * b.n / n)};
  }
};

}  // namespace uflow::rd
