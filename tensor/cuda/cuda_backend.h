// The CUDA backend: our kernels on the library's one stream (tensor/cuda/check.h), cuBLAS for
// GEMM, cuDNN for convolution. Each kernel's contract is stated once in tensor/backend.h; the
// definitions are spread over tensor/cuda/*.cu, one file per op family; only those include this.
#pragma once
#include "tensor/cuda/elementwise_loop.cuh"
#include "tensor/elementwise_backend.h"

namespace uflow::cuda {

class CudaBackend final : public ElementwiseBackend<CudaLoop> {
 public:
  // Defined in tensor/cuda/cuda_backend.cu: as the first out-of-line virtual function it makes
  // that file the one that instantiates the element-wise kernels (with the vtable).
  ~CudaBackend() override;
  Device device() const override { return Device::cuda; }

  void copy_strided(const Tensor& dst, const Tensor& src) const override;
  void fill(const Tensor& dst, double value) const override;
  void rand_uniform(const Tensor& out, uint64_t seed, uint64_t offset, double lo,
                    double hi) const override;
  void rand_normal(const Tensor& out, uint64_t seed, uint64_t offset, double mean,
                   double std) const override;
  void reduce(ReduceOp op, const Tensor& out, const Tensor& x, int64_t A, int64_t R,
              int64_t K) const override;
  void argmax(int64_t* out, const Tensor& x, int64_t A, int64_t R, int64_t K) const override;
  void var(const Tensor& out, const Tensor& x, int64_t A, int64_t R, int64_t K,
           int64_t correction) const override;
  void gemm(const GemmArgs& args) const override;
  void conv2d_forward(const Tensor& y, const Tensor& x, const Tensor& w, const Tensor& bias,
                      const Conv2dGeometry& g) const override;
  void conv2d_backward_input(const Tensor& dx, const Tensor& dy, const Tensor& w,
                             const Conv2dGeometry& g) const override;
  void conv2d_backward_weight(const Tensor& dw, const Tensor& dy, const Tensor& x,
                              const Conv2dGeometry& g) const override;
  void softmax(const Tensor& y, const Tensor& x, int64_t outer, int64_t n, int64_t inner,
               bool log) const override;
  void softmax_backward(const Tensor& dx, const Tensor& y, const Tensor& g, int64_t outer,
                        int64_t n, int64_t inner, bool log) const override;
  void layer_norm(const Tensor& y, const Tensor& mean, const Tensor& rstd, const Tensor& x,
                  const Tensor& weight, const Tensor& bias, int64_t rows, int64_t cols,
                  double eps) const override;
  void layer_norm_backward(const Tensor& dx, const Tensor& dweight, const Tensor& dbias,
                           const Tensor& g, const Tensor& x, const Tensor& mean, const Tensor& rstd,
                           const Tensor& weight, int64_t rows, int64_t cols) const override;
  void pad2d(const Tensor& y, const Tensor& x, const Pad2dGeometry& g) const override;
  void pad2d_backward(const Tensor& dx, const Tensor& grad, const Pad2dGeometry& g) const override;
  void talking_heads_attention(const Tensor& out, const Tensor& qkv, int64_t heads, double scale,
                               const Tensor& w_l, const Tensor& b_l, const Tensor& w_w,
                               const Tensor& b_w) const override;
  void coupling_forward(const Tensor& y, const Tensor& x, const Tensor& a, const Tensor& scale,
                        const Tensor& offset, const std::vector<int64_t>& perm,
                        const CouplingSpec& spec) const override;
  void coupling_backward(const Tensor& dx, const Tensor& da, const Tensor& dscale_bc,
                         const Tensor& doffset_bc, const Tensor& dy, const Tensor& x,
                         const Tensor& a, const Tensor& scale, const std::vector<int64_t>& perm,
                         const CouplingSpec& spec) const override;
  void coupling_log_scale_sum(const Tensor& out, const Tensor& a,
                              const CouplingSpec& spec) const override;
  void coupling_log_scale_sum_backward(const Tensor& da, const Tensor& grad, const Tensor& a,
                                       const CouplingSpec& spec) const override;
  void adam_update(const std::vector<kernels::AdamTensors>& groups,
                   const AdamStepArgs& args) const override;
  void interp_apply(const Tensor& y, const Tensor& x, int64_t outer, int64_t inner,
                    const InterpTable& t) const override;
  void permute_dim(const Tensor& out, const Tensor& x, int64_t outer, int64_t n, int64_t inner,
                   const std::vector<int64_t>& perm) const override;
};

}  // namespace uflow::cuda
