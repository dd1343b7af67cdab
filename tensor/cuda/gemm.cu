// GEMM on cuBLAS. cuBLAS is column-major and our matrices are row-major: a row-major (m, n)
// C is a column-major (n, m) Cᵀ, so C = A·B is computed as Cᵀ = Bᵀ·Aᵀ by swapping the operands.
#include <climits>

#include "tensor/cuda/check.h"
#include "tensor/cuda/cuda_backend.h"
#include "tensor/cuda/math_mode.h"

namespace uflow::cuda {

void CudaBackend::gemm(const GemmArgs& g) const {
  if (g.batch == 0 || g.m == 0 || g.n == 0) return;
  UFLOW_CHECK(g.m <= INT_MAX && g.n <= INT_MAX && g.k <= INT_MAX && g.batch <= INT_MAX &&
                  g.a.ld <= INT_MAX && g.b.ld <= INT_MAX && g.ldc <= INT_MAX,
              "gemm: dimensions exceed the 32-bit cuBLAS interface");
  cublasHandle_t h = cublas();
  const Precision mode = g.dtype == DType::f32 ? precision() : Precision::fp32;
  UFLOW_CUBLAS_CHECK(cublasSetMathMode(
      h, mode == Precision::tf32 ? CUBLAS_TF32_TENSOR_OP_MATH : CUBLAS_DEFAULT_MATH));
  // Read column-major, a row-major buffer holds the transpose of its matrix, which is exactly
  // what Cᵀ = Bᵀ·Aᵀ needs; so each operand keeps its own stored-layout flag.
  const cublasOperation_t op_a = g.a.trans ? CUBLAS_OP_T : CUBLAS_OP_N;
  const cublasOperation_t op_b = g.b.trans ? CUBLAS_OP_T : CUBLAS_OP_N;
  const int m = static_cast<int>(g.m), n = static_cast<int>(g.n), k = static_cast<int>(g.k);
  const int lda = static_cast<int>(g.a.ld), ldb = static_cast<int>(g.b.ld);
  const int ldc = static_cast<int>(g.ldc), batch = static_cast<int>(g.batch);
  if (mode == Precision::bf16) {
    // f32 in and out; cuBLAS rounds the inputs to bf16 for the tensor cores and accumulates
    // in f32 (tensor/cuda/math_mode.h).
    const float alpha = static_cast<float>(g.alpha), beta = static_cast<float>(g.beta);
    UFLOW_CUBLAS_CHECK(cublasGemmStridedBatchedEx(
        h, op_b, op_a, n, m, k, &alpha, g.b.data, CUDA_R_32F, ldb, g.b.batch_stride, g.a.data,
        CUDA_R_32F, lda, g.a.batch_stride, &beta, g.c, CUDA_R_32F, ldc, g.batch_stride_c, batch,
        CUBLAS_COMPUTE_32F_FAST_16BF, CUBLAS_GEMM_DEFAULT));
    return;
  }
  dispatch_dtype(g.dtype, [&]<typename T>() {
    const T alpha = static_cast<T>(g.alpha), beta = static_cast<T>(g.beta);
    const T* a = static_cast<const T*>(g.a.data);
    const T* b = static_cast<const T*>(g.b.data);
    T* c = static_cast<T*>(g.c);
    if constexpr (std::is_same_v<T, float>) {
      if (batch == 1)
        UFLOW_CUBLAS_CHECK(
            cublasSgemm(h, op_b, op_a, n, m, k, &alpha, b, ldb, a, lda, &beta, c, ldc));
      else
        UFLOW_CUBLAS_CHECK(cublasSgemmStridedBatched(h, op_b, op_a, n, m, k, &alpha, b, ldb,
                                                     g.b.batch_stride, a, lda, g.a.batch_stride,
                                                     &beta, c, ldc, g.batch_stride_c, batch));
    } else {
      if (batch == 1)
        UFLOW_CUBLAS_CHECK(
            cublasDgemm(h, op_b, op_a, n, m, k, &alpha, b, ldb, a, lda, &beta, c, ldc));
      else
        UFLOW_CUBLAS_CHECK(cublasDgemmStridedBatched(h, op_b, op_a, n, m, k, &alpha, b, ldb,
                                                     g.b.batch_stride, a, lda, g.a.batch_stride,
                                                     &beta, c, ldc, g.batch_stride_c, batch));
    }
  });
}

}  // namespace uflow::cuda
