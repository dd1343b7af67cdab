#include "tensor/cpu/gemm.h"

#include <cblas.h>

#include "tensor/cpu/cpu_backend.h"
#include "tensor/error.h"

namespace uflow::cpu {

void gemm(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, float alpha, const float* a,
          int64_t lda, const float* b, int64_t ldb, float beta, float* c, int64_t ldc) {
  cblas_sgemm(CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans,
              trans_b ? CblasTrans : CblasNoTrans, static_cast<blasint>(m), static_cast<blasint>(n),
              static_cast<blasint>(k), alpha, a, static_cast<blasint>(lda), b,
              static_cast<blasint>(ldb), beta, c, static_cast<blasint>(ldc));
}

void gemm(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, double alpha,
          const double* a, int64_t lda, const double* b, int64_t ldb, double beta, double* c,
          int64_t ldc) {
  cblas_dgemm(CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans,
              trans_b ? CblasTrans : CblasNoTrans, static_cast<blasint>(m), static_cast<blasint>(n),
              static_cast<blasint>(k), alpha, a, static_cast<blasint>(lda), b,
              static_cast<blasint>(ldb), beta, c, static_cast<blasint>(ldc));
}

void CpuBackend::gemm(const GemmArgs& g) const {
  if (g.batch == 0 || g.m == 0 || g.n == 0) return;
  constexpr int64_t kBlasMax = (int64_t{1} << 31) - 1;
  UFLOW_CHECK(g.m <= kBlasMax && g.n <= kBlasMax && g.k <= kBlasMax && g.a.ld <= kBlasMax &&
                  g.b.ld <= kBlasMax && g.ldc <= kBlasMax,
              "gemm: dimensions exceed the 32-bit BLAS interface");
  dispatch_dtype(g.dtype, [&]<typename T>() {
    const T* a = static_cast<const T*>(g.a.data);
    const T* b = static_cast<const T*>(g.b.data);
    T* c = static_cast<T*>(g.c);
    const T alpha = static_cast<T>(g.alpha), beta = static_cast<T>(g.beta);
    auto one = [&](int64_t i) {
      cpu::gemm(g.a.trans, g.b.trans, g.m, g.n, g.k, alpha, a + i * g.a.batch_stride, g.a.ld,
                b + i * g.b.batch_stride, g.b.ld, beta, c + i * g.batch_stride_c, g.ldc);
    };
    if (g.batch == 1) {
      one(0);
      return;
    }
    const bool small = g.m * g.n * g.k < kSmallGemmMacs;
#pragma omp parallel for schedule(static) if (small)
    for (int64_t i = 0; i < g.batch; ++i) one(i);
  });
}

}  // namespace uflow::cpu
