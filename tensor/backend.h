// The kernels a device backend provides, declared once. The dispatchers in tensor/ops_*.cpp
// check arguments, bring operands into the layout each kernel expects (stated per group
// below), allocate the outputs and then call `backend_of(x).kernel(...)`: that call is the one
// place where an op chooses between the CPU (tensor/cpu) and the CUDA (tensor/cuda) code.
//
// Outputs are fresh contiguous tensors of the right shape, dtype and device, fully
// overwritten by the kernel unless a comment says otherwise. All tensors of one call share
// dtype and device. The element-wise group is implemented once for every backend
// (tensor/elementwise_backend.h); a backend supplies only its loop over elements.
#pragma once
#include <cstdint>
#include <vector>

#include "tensor/conv2d_geometry.h"
#include "tensor/gemm_args.h"
#include "tensor/interp_table.h"
#include "tensor/ops.h"
#include "tensor/pad2d_geometry.h"

namespace uflow {

class Backend {
 public:
  virtual ~Backend() = default;
  virtual Device device() const = 0;

  // ---- copies and fills: dst has any strides; src may broadcast and have another dtype.
  virtual void copy_strided(const Tensor& dst, const Tensor& src) const = 0;
  virtual void fill(const Tensor& dst, double value) const = 0;

  // ---- counter-based random numbers (tensor/philox.h): element i from (seed, offset + i).
  virtual void rand_uniform(const Tensor& out, uint64_t seed, uint64_t offset, double lo,
                            double hi) const = 0;
  virtual void rand_normal(const Tensor& out, uint64_t seed, uint64_t offset, double mean,
                           double std) const = 0;

  // ---- element-wise (formulas in tensor/elementwise_math.h): inputs have any strides,
  // stride 0 where they broadcast to out's shape.
  virtual void unary(UnaryOp op, const Tensor& out, const Tensor& x) const = 0;
  virtual void unary_backward(UnaryOp op, const Tensor& out, const Tensor& x, const Tensor& y,
                              const Tensor& grad) const = 0;
  virtual void binary(BinaryOp op, const Tensor& out, const Tensor& a, const Tensor& b) const = 0;
  // out = ∂op(a, b)/∂(side) · grad at the broadcast shape (not yet summed to side's shape).
  virtual void binary_backward(BinaryOp op, Operand side, const Tensor& out, const Tensor& a,
                               const Tensor& b, const Tensor& grad) const = 0;
  virtual void scalar_op(ScalarOp op, const Tensor& out, const Tensor& x, double p0,
                         double p1) const = 0;
  virtual void scalar_op_backward(ScalarOp op, const Tensor& out, const Tensor& x,
                                  const Tensor& grad, double p0, double p1) const = 0;
  virtual void where(const Tensor& out, const Tensor& cond, const Tensor& a,
                     const Tensor& b) const = 0;

  // ---- fused element-wise ops with a per-column vector (kernels::bias_gelu,
  // kernels::scaled_residual; formulas in tensor/elementwise_math.h): every operand contiguous,
  // the matrices (rows, cols) and the vectors b, gamma (cols), broadcast over the rows.
  virtual void bias_gelu(const Tensor& out, const Tensor& u, const Tensor& b, int64_t rows,
                         int64_t cols) const = 0;
  // out = gelu'(u + b) · grad, the gradient with respect to u (and, summed over rows, to b).
  virtual void bias_gelu_backward(const Tensor& out, const Tensor& u, const Tensor& b,
                                  const Tensor& grad, int64_t rows, int64_t cols) const = 0;
  virtual void scaled_residual(const Tensor& out, const Tensor& x, const Tensor& gamma,
                               const Tensor& y, int64_t rows, int64_t cols) const = 0;

  // ---- reductions of a contiguous x seen as (A, R, K) over R: out[a, k].
  virtual void reduce(ReduceOp op, const Tensor& out, const Tensor& x, int64_t A, int64_t R,
                      int64_t K) const = 0;
  // Index of the first maximum (NaN counts as the maximum) into out[a·K + k]: A·K indices in
  // memory of x's device.
  virtual void argmax(int64_t* out, const Tensor& x, int64_t A, int64_t R, int64_t K) const = 0;
  // Σ (x - mean)² / (R - correction), two passes in double.
  virtual void var(const Tensor& out, const Tensor& x, int64_t A, int64_t R, int64_t K,
                   int64_t correction) const = 0;

  // ---- a (batched) GEMM described by tensor/gemm_args.h.
  virtual void gemm(const GemmArgs& args) const = 0;

  // ---- convolution; every tensor contiguous; y, dx and dw fully overwritten.
  virtual void conv2d_forward(const Tensor& y, const Tensor& x, const Tensor& w, const Tensor& bias,
                              const Conv2dGeometry& g) const = 0;
  virtual void conv2d_backward_input(const Tensor& dx, const Tensor& dy, const Tensor& w,
                                     const Conv2dGeometry& g) const = 0;
  virtual void conv2d_backward_weight(const Tensor& dw, const Tensor& dy, const Tensor& x,
                                      const Conv2dGeometry& g) const = 0;

  // ---- softmax of a contiguous x seen as (outer, n, inner), normalised over n.
  virtual void softmax(const Tensor& y, const Tensor& x, int64_t outer, int64_t n, int64_t inner,
                       bool log) const = 0;
  virtual void softmax_backward(const Tensor& dx, const Tensor& y, const Tensor& g, int64_t outer,
                                int64_t n, int64_t inner, bool log) const = 0;

  // ---- layer_norm of a contiguous x seen as (rows, cols); weight and bias (cols) or
  // undefined. dweight and dbias may be undefined (not wanted).
  virtual void layer_norm(const Tensor& y, const Tensor& mean, const Tensor& rstd, const Tensor& x,
                          const Tensor& weight, const Tensor& bias, int64_t rows, int64_t cols,
                          double eps) const = 0;
  virtual void layer_norm_backward(const Tensor& dx, const Tensor& dweight, const Tensor& dbias,
                                   const Tensor& g, const Tensor& x, const Tensor& mean,
                                   const Tensor& rstd, const Tensor& weight, int64_t rows,
                                   int64_t cols) const = 0;

  // ---- 2-d padding of contiguous (planes, h, w) to (planes, oh, ow), and its adjoint (each
  // input element sums the positions that read it).
  virtual void pad2d(const Tensor& y, const Tensor& x, const Pad2dGeometry& g) const = 0;
  virtual void pad2d_backward(const Tensor& dx, const Tensor& grad,
                              const Pad2dGeometry& g) const = 0;

  // ---- talking-heads attention for inference (kernels::talking_heads_attention): qkv
  // contiguous (B, N, 3·D) holding [q | k | v], head h in columns h·hd..(h+1)·hd of each; w_l,
  // w_w (H, H) and b_l, b_w (H) contiguous; out (B, N, D).
  virtual void talking_heads_attention(const Tensor& out, const Tensor& qkv, int64_t heads,
                                       double scale, const Tensor& w_l, const Tensor& b_l,
                                       const Tensor& w_w, const Tensor& b_w) const = 0;

  // ---- the affine coupling (kernels::affine_coupling; tensor/coupling_math.h). x (B, C, H, W)
  // and a (B, 2·c2, H, W) contiguous, scale and offset (C), perm (C) of the channels (identity
  // when empty). The backward also writes the per-(sample, channel) sums Σ_hw dy·y_pre and
  // Σ_hw dy into dscale_bc and doffset_bc (B, C), indexed by input channel.
  virtual void coupling_forward(const Tensor& y, const Tensor& x, const Tensor& a,
                                const Tensor& scale, const Tensor& offset,
                                const std::vector<int64_t>& perm,
                                const CouplingSpec& spec) const = 0;
  virtual void coupling_backward(const Tensor& dx, const Tensor& da, const Tensor& dscale_bc,
                                 const Tensor& doffset_bc, const Tensor& dy, const Tensor& x,
                                 const Tensor& a, const Tensor& scale,
                                 const std::vector<int64_t>& perm,
                                 const CouplingSpec& spec) const = 0;
  // out (B) = Σ over the first c2 channels and all pixels of s; da = grad[b] · ds/da_s there
  // and 0 on the last c2 channels.
  virtual void coupling_log_scale_sum(const Tensor& out, const Tensor& a,
                                      const CouplingSpec& spec) const = 0;
  virtual void coupling_log_scale_sum_backward(const Tensor& da, const Tensor& grad,
                                               const Tensor& a, const CouplingSpec& spec) const = 0;

  // ---- one Adam step over every group (kernels::adam_update): all tensors contiguous, one
  // dtype and device, each group's four tensors one shape.
  virtual void adam_update(const std::vector<kernels::AdamTensors>& groups,
                           const AdamStepArgs& args) const = 0;

  // ---- y[a, o, k] = Σ_e weight[e] · x[a, col[e], k] over the taps of row o of the
  // resampling table (tensor/interp_table.h); x contiguous (outer, t.n_in, inner).
  virtual void interp_apply(const Tensor& y, const Tensor& x, int64_t outer, int64_t inner,
                            const InterpTable& t) const = 0;

  // ---- out[a, i, k] = x[a, perm[i], k] for a contiguous x seen as (outer, n, inner).
  virtual void permute_dim(const Tensor& out, const Tensor& x, int64_t outer, int64_t n,
                           int64_t inner, const std::vector<int64_t>& perm) const = 0;
};

// The backend of a device; throws for CUDA in a build without the CUDA backend.
const Backend& backend(Device device);
namespace cpu {
const Backend& backend();  // tensor/cpu/cpu_backend.cpp
}
namespace cuda {
const Backend& backend();  // tensor/cuda/cuda_backend.cu, in builds with the CUDA backend
}
inline const Backend& backend_of(const Tensor& t) {
  return backend(t.device());
}

}  // namespace uflow
