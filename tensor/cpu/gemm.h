// Row-major GEMM on OpenBLAS for the CPU kernels (CpuBackend::gemm runs a whole GemmArgs batch:
// small GEMMs in parallel over the batch, large ones one after another on OpenBLAS threads).
#pragma once
#include <cstdint>

#include "tensor/gemm_args.h"

namespace uflow::cpu {

// One row-major GEMM: C (m, n) = alpha · op(A) · op(B) + beta · C.
void gemm(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, float alpha, const float* a,
          int64_t lda, const float* b, int64_t ldb, float beta, float* c, int64_t ldc);
void gemm(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, double alpha,
          const double* a, int64_t lda, const double* b, int64_t ldb, double beta, double* c,
          int64_t ldc);

// Below this many multiply-adds OpenBLAS runs a GEMM on the calling thread, so a batch of
// such GEMMs is better spread over threads by us.
constexpr int64_t kSmallGemmMacs = 262144;

}  // namespace uflow::cpu
