// The op set, declared once. These are the raw kernels: they compute, they never record
// autograd nodes (the differentiable versions with the same names live in autograd/ops.h).
// Each dispatches on the device of its inputs to tensor/cpu or tensor/cuda; all inputs of one
// call must share dtype and device. Results are new contiguous tensors unless said otherwise.
#pragma once
#include <cstdint>
#include <optional>
#include <vector>

#include "tensor/adam_math.h"
#include "tensor/coupling_math.h"
#include "tensor/tensor.h"

namespace uflow {

// Option types live in uflow (not uflow::kernels) so that argument-dependent lookup never
// makes a call to a differentiable op in uflow ambiguous with the raw kernel of that name.
enum class UnaryOp {
  neg,
  abs,
  exp,
  log,
  log1p,
  sqrt,
  rsqrt,
  square,
  tanh,
  atan,
  sigmoid,
  relu,
  gelu,
  sign
};
enum class BinaryOp { add, sub, mul, div, maximum, minimum, eq, ne, lt, le, gt, ge };
enum class Operand { a, b };  // which input of a binary op a gradient is for
// Unary ops with two scalar parameters (p0, p1): softplus (beta, threshold), pow (p, unused),
// affine (mul, add), clamp (lo, hi).
enum class ScalarOp { softplus, pow, affine, clamp };
enum class ReduceOp { sum, mean, max, min };
struct Conv2dOptions {
  int64_t stride_h = 1, stride_w = 1;
  int64_t pad_h = 0, pad_w = 0;  // symmetric zero padding
  int64_t groups = 1;
  bool same = false;  // 'same' padding for stride 1 (PyTorch rule: extra pad on the bottom/right)
};
struct LayerNormOut {
  Tensor y, mean, rstd;  // mean and rstd have shape (rows), rows = numel / normalized size
};
struct LayerNormGrads {
  Tensor dx, dweight, dbias;
};
enum class PadMode { zero, reflect };
enum class InterpMode { bilinear, bicubic };

}  // namespace uflow

namespace uflow::kernels {

using uflow::BinaryOp;
using uflow::Conv2dOptions;
using uflow::InterpMode;
using uflow::LayerNormGrads;
using uflow::LayerNormOut;
using uflow::Operand;
using uflow::PadMode;
using uflow::ReduceOp;
using uflow::ScalarOp;
using uflow::UnaryOp;

// ---------------- creation, copies, conversion ----------------
Tensor zeros(const Shape& shape, DType dtype = DType::f32, Device device = Device::cpu);
Tensor ones(const Shape& shape, DType dtype = DType::f32, Device device = Device::cpu);
Tensor full(const Shape& shape, double value, DType dtype = DType::f32,
            Device device = Device::cpu);
Tensor arange(int64_t n, DType dtype = DType::f32, Device device = Device::cpu);  // 0..n-1
Tensor contiguous(const Tensor& x);                // x itself when already contiguous
Tensor clone(const Tensor& x);                     // always a new contiguous copy
Tensor to_device(const Tensor& x, Device d);       // x itself when already there
Tensor to_dtype(const Tensor& x, DType t);         // x itself when already that dtype
void copy_(const Tensor& dst, const Tensor& src);  // same shape (src may broadcast), any strides
void fill_(const Tensor& dst, double value);

// ---------------- views (share storage, no copy) ----------------
Tensor reshape(const Tensor& x, Shape shape);  // one -1 allowed; copies only if x is not viewable
Tensor permute(const Tensor& x, const std::vector<int64_t>& dims);
Tensor transpose(const Tensor& x, int64_t d0, int64_t d1);
Tensor narrow(const Tensor& x, int64_t dim, int64_t start, int64_t length);
Tensor slice(const Tensor& x, int64_t dim, int64_t start, int64_t end, int64_t step = 1);
Tensor expand(const Tensor& x, const Shape& shape);  // broadcasting view (stride 0)
Tensor unsqueeze(const Tensor& x, int64_t dim);
Tensor squeeze(const Tensor& x, int64_t dim);

// ---------------- random numbers ----------------
// Counter-based (Philox 4x32-10): element i of the result depends only on (seed, offset + i),
// so CPU and CUDA produce the same numbers and any slice of a stream can be regenerated.
Tensor rand_uniform(const Shape& shape, uint64_t seed, uint64_t offset, double lo = 0.0,
                    double hi = 1.0, DType dtype = DType::f32, Device device = Device::cpu);
Tensor rand_normal(const Shape& shape, uint64_t seed, uint64_t offset, double mean = 0.0,
                   double std = 1.0, DType dtype = DType::f32, Device device = Device::cpu);

// ---------------- element-wise ----------------
Tensor unary(UnaryOp op, const Tensor& x);
// Gradient of y = op(x) given dL/dy; y is op's output (used where it is cheaper than x).
Tensor unary_backward(UnaryOp op, const Tensor& x, const Tensor& y, const Tensor& grad);
// softplus_beta(x) = log(1 + exp(beta x)) / beta, and x itself where beta x > threshold.
Tensor softplus(const Tensor& x, double beta = 1.0, double threshold = 20.0);
Tensor softplus_backward(const Tensor& x, const Tensor& grad, double beta, double threshold);
Tensor pow_scalar(const Tensor& x, double p);
Tensor pow_scalar_backward(const Tensor& x, const Tensor& grad, double p);
Tensor affine_scalar(const Tensor& x, double mul, double add);  // mul * x + add
Tensor clamp(const Tensor& x, double lo, double hi);
Tensor clamp_backward(const Tensor& x, const Tensor& grad, double lo, double hi);
// Any op of the family above by its enum; scalar_op_backward gives dL/dx from dL/dy.
Tensor scalar_op(ScalarOp op, const Tensor& x, double p0, double p1);
Tensor scalar_op_backward(ScalarOp op, const Tensor& x, const Tensor& grad, double p0, double p1);

// Broadcasting binary op; comparisons give 1 or 0 in the inputs' dtype.
Tensor binary(BinaryOp op, const Tensor& a, const Tensor& b);
// dL/d(side) from dL/dy for y = op(a, b), summed down to that input's shape. Comparisons have
// no gradient (zeros).
Tensor binary_backward(BinaryOp op, Operand side, const Tensor& a, const Tensor& b,
                       const Tensor& grad);
Tensor where(const Tensor& cond, const Tensor& a, const Tensor& b);  // cond != 0 ? a : b

// Fused row-broadcast element-wise ops (one pass, one output; formulas in
// tensor/elementwise_math.h). The vector (b, gamma) has the size of the last dim and is
// broadcast over all leading dims; the other operands share one shape and may be views.
// gelu(u + b) with the exact GELU: the bias add and activation of a transformer MLP's fc1.
Tensor bias_gelu(const Tensor& u, const Tensor& b);
// gelu'(u + b) · grad, shaped like u: the gradient to u; summed over leading dims, to b.
Tensor bias_gelu_backward(const Tensor& u, const Tensor& b, const Tensor& grad);
// x + gamma ⊙ y: CaiT's layer-scale residual.
Tensor scaled_residual(const Tensor& x, const Tensor& gamma, const Tensor& y);

// ---------------- reductions ----------------
// dims empty means all dims. Negative dims allowed.
Tensor reduce(ReduceOp op, const Tensor& x, std::vector<int64_t> dims, bool keepdim = false);
// Index of the first maximum along dim (NaN counts as the maximum), exact, on the host: one
// index per element of x's shape without dim, in row-major order. Waits for the device.
std::vector<int64_t> argmax(const Tensor& x, int64_t dim);
Tensor var(const Tensor& x, std::vector<int64_t> dims, bool unbiased = true, bool keepdim = false);
// Sums grad down to shape (the reverse of broadcasting); grad itself when shapes match.
Tensor sum_to(const Tensor& grad, const Shape& shape);

// ---------------- linear algebra ----------------
// C = op(A) op(B) where op transposes the last two dims when asked. A and B are 2-d (m,k)·(k,n)
// or batched 3-d with equal batch (or one of them 2-d, broadcast over the other's batch).
Tensor matmul(const Tensor& a, const Tensor& b, bool trans_a = false, bool trans_b = false);
// op(A) op(B) + bias with bias (n) added to every row: the GEMM accumulates (beta = 1) onto
// an output prefilled with the broadcast bias, as PyTorch's addmm does, instead of a separate
// add pass over the product.
Tensor matmul_bias(const Tensor& a, const Tensor& b, const Tensor& bias, bool trans_a = false,
                   bool trans_b = false);

// ---------------- convolution ----------------
// x (N, C, H, W), w (O, C/groups, KH, KW), bias (O) or undefined.
Tensor conv2d(const Tensor& x, const Tensor& w, const Tensor& bias, const Conv2dOptions& opt);
Tensor conv2d_backward_input(const Tensor& grad, const Tensor& w, const Shape& x_shape,
                             const Conv2dOptions& opt);
Tensor conv2d_backward_weight(const Tensor& grad, const Tensor& x, const Shape& w_shape,
                              const Conv2dOptions& opt);

// ---------------- normalisation ----------------
Tensor softmax(const Tensor& x, int64_t dim);
Tensor log_softmax(const Tensor& x, int64_t dim);
Tensor softmax_backward(const Tensor& y, const Tensor& grad, int64_t dim);      // y = softmax
Tensor log_softmax_backward(const Tensor& y, const Tensor& grad, int64_t dim);  // y = log_softmax
// Normalises over the last `normalized_dims` dims; weight and bias have that trailing shape
// (either may be undefined).
LayerNormOut layer_norm(const Tensor& x, int64_t normalized_dims, const Tensor& weight,
                        const Tensor& bias, double eps);
LayerNormGrads layer_norm_backward(const Tensor& grad, const Tensor& x, const Tensor& mean,
                                   const Tensor& rstd, const Tensor& weight,
                                   int64_t normalized_dims, bool need_weight_grads);

// ---------------- shape ops ----------------
Tensor cat(const std::vector<Tensor>& xs, int64_t dim);
// Pads the last two dims of (…, H, W); reflect mirrors without repeating the edge.
Tensor pad2d(const Tensor& x, int64_t left, int64_t right, int64_t top, int64_t bottom,
             PadMode mode);
Tensor pad2d_backward(const Tensor& grad, const Shape& x_shape, int64_t left, int64_t right,
                      int64_t top, int64_t bottom, PadMode mode);
// (N, C·r², H, W) -> (N, C, H·r, W·r): out[c, r·i+dy, r·j+dx] = in[c·r² + r·dy + dx, i, j].
Tensor pixel_shuffle(const Tensor& x, int64_t r);
Tensor pixel_unshuffle(const Tensor& x, int64_t r);

// ---------------- interpolation (NCHW), PyTorch's index arithmetic ----------------
// antialias: PIL-style area-aware filter when shrinking (bilinear only; matches
// torch.nn.functional.interpolate(..., antialias=True)).
Tensor interpolate(const Tensor& x, int64_t out_h, int64_t out_w, InterpMode mode,
                   bool align_corners, bool antialias = false);
Tensor interpolate_backward(const Tensor& grad, int64_t in_h, int64_t in_w, InterpMode mode,
                            bool align_corners, bool antialias = false);

}  // namespace uflow::kernels

namespace uflow::kernels {
// The affine coupling of AllInOneBlock, fused (the math is in tensor/coupling_math.h): x (B, C,
// H, W) with C = spec.c1 + spec.c2, a (B, 2·c2, H, W) the raw subnet output, scale and offset
// (1, C, 1, 1), perm a permutation of 0..C-1 or empty (identity): y[:, o] = y_pre'[:, perm[o]].
Tensor affine_coupling(const Tensor& x, const Tensor& a, const Tensor& scale, const Tensor& offset,
                       const std::vector<int64_t>& perm, const CouplingSpec& spec);
struct CouplingGrads {
  Tensor dx, da, dscale, doffset;  // dscale and doffset (1, C, 1, 1)
};
CouplingGrads affine_coupling_backward(const Tensor& dy, const Tensor& x, const Tensor& a,
                                       const Tensor& scale, const std::vector<int64_t>& perm,
                                       const CouplingSpec& spec);
// Σ s over the transformed channels and pixels of each sample: (B). Its backward gives da,
// zero on the shift half a_t.
Tensor coupling_log_scale_sum(const Tensor& a, const CouplingSpec& spec);
Tensor coupling_log_scale_sum_backward(const Tensor& grad, const Tensor& a,
                                       const CouplingSpec& spec);

// One Adam step (tensor/adam_math.h) over all the given parameters in a single pass: param, m
// and v are updated in place from grad. Each group's four tensors share shape, dtype and
// device, and param, m and v must be contiguous.
struct AdamTensors {
  Tensor param, grad, m, v;
};
void adam_update(const std::vector<AdamTensors>& groups, const AdamStepArgs& args);

// Talking-heads attention (CaiT) for inference, fused: with q, k, v the three D-column thirds of
// qkv (B, N, 3·D) split into `heads` heads of D/heads columns,
//   P = mix_w(softmax(mix_l(scale · q_h k_hᵀ))),  out[:, :, h-th head's columns] = P_h v_h,
// where mix(x)[h'] = Σ_h W[h', h] x[h] + bias[h'] mixes the heads. Returns (B, N, D). Not
// differentiable: layers/talking_head_attn.cpp uses it when no gradient is wanted.
Tensor talking_heads_attention(const Tensor& qkv, int64_t heads, double scale, const Tensor& w_l,
                               const Tensor& b_l, const Tensor& w_w, const Tensor& b_w);

// out.select(dim, i) = x.select(dim, perm[i]) for a permutation perm of x.size(dim) (the hard
// channel permutation of the coupling blocks). Its inverse is the same op with the inverse
// permutation.
Tensor permute_dim(const Tensor& x, int64_t dim, const std::vector<int64_t>& perm);
}  // namespace uflow::kernels
