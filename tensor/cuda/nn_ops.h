// CUDA implementations of GEMM, conv2d, softmax and layer_norm behind tensor/ops.h. Only the
// dispatchers in tensor/ops_*.cpp call these; every tensor argument is contiguous.
#pragma once
#include "tensor/conv2d_geometry.h"
#include "tensor/gemm_args.h"
#include "tensor/ops.h"

namespace uflow::cuda {

// cuBLAS (strided batched); TF32 only when set_allow_tf32(true) (tensor/cuda/math_mode.h).
void gemm(const GemmArgs& args);

// cuDNN; the algorithms are chosen once per shape and cached.
void conv2d_forward(const Tensor& y, const Tensor& x, const Tensor& w, const Tensor& bias,
                    const Conv2dGeometry& g);
void conv2d_backward_input(const Tensor& dx, const Tensor& dy, const Tensor& w,
                           const Conv2dGeometry& g);
void conv2d_backward_weight(const Tensor& dw, const Tensor& dy, const Tensor& x,
                            const Conv2dGeometry& g);

// x viewed as (outer, n, inner), normalised over n.
void softmax(const Tensor& y, const Tensor& x, int64_t outer, int64_t n, int64_t inner, bool log);
void softmax_backward(const Tensor& dx, const Tensor& y, const Tensor& g, int64_t outer, int64_t n,
                      int64_t inner, bool log);

// x viewed as (rows, cols); weight and bias (cols) or undefined.
void layer_norm(const Tensor& y, const Tensor& mean, const Tensor& rstd, const Tensor& x,
                const Tensor& weight, const Tensor& bias, int64_t rows, int64_t cols, double eps);
// dweight and dbias may be undefined (not wanted).
void layer_norm_backward(const Tensor& dx, const Tensor& dweight, const Tensor& dbias,
                         const Tensor& g, const Tensor& x, const Tensor& mean, const Tensor& rstd,
                         const Tensor& weight, int64_t rows, int64_t cols);

}  // namespace uflow::cuda
