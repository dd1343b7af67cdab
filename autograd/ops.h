// The differentiable op set: the same ops as tensor/ops.h, recording autograd nodes when an
// input requires gradients. This is the API layers and models use.
#pragma once
#include <vector>

#include "autograd/node.h"
#include "tensor/ops.h"

namespace uflow {

// ---- creation (no history) ----
using kernels::arange;
using kernels::full;
using kernels::ones;
using kernels::rand_normal;
using kernels::rand_uniform;
using kernels::zeros;
Tensor to_device(const Tensor& x, Device d);  // differentiable: the gradient goes back
Tensor to_dtype(const Tensor& x, DType t);
Tensor contiguous(const Tensor& x);
Tensor clone(const Tensor& x);

// ---- views ----
Tensor reshape(const Tensor& x, Shape shape);
Tensor flatten(const Tensor& x, int64_t start_dim = 0, int64_t end_dim = -1);
Tensor permute(const Tensor& x, const std::vector<int64_t>& dims);
Tensor transpose(const Tensor& x, int64_t d0, int64_t d1);
Tensor narrow(const Tensor& x, int64_t dim, int64_t start, int64_t length);
Tensor slice(const Tensor& x, int64_t dim, int64_t start, int64_t end, int64_t step = 1);
Tensor expand(const Tensor& x, const Shape& shape);
Tensor unsqueeze(const Tensor& x, int64_t dim);
Tensor squeeze(const Tensor& x, int64_t dim);

// ---- element-wise ----
Tensor neg(const Tensor& x);
Tensor abs(const Tensor& x);
Tensor exp(const Tensor& x);
Tensor log(const Tensor& x);
Tensor log1p(const Tensor& x);
Tensor sqrt(const Tensor& x);
Tensor rsqrt(const Tensor& x);
Tensor square(const Tensor& x);
Tensor tanh(const Tensor& x);
Tensor atan(const Tensor& x);
Tensor sigmoid(const Tensor& x);
Tensor relu(const Tensor& x);
Tensor gelu(const Tensor& x);  // exact erf form
Tensor softplus(const Tensor& x, double beta = 1.0, double threshold = 20.0);
Tensor pow(const Tensor& x, double p);
Tensor clamp(const Tensor& x, double lo, double hi);     // gradient 1 inside [lo, hi], 0 outside
Tensor affine(const Tensor& x, double mul, double add);  // mul·x + add
// Fused one-pass forms of two transformer chains (kernels::bias_gelu, kernels::scaled_residual):
// the vector b or gamma has the last dim's size and broadcasts over the leading dims.
Tensor bias_gelu(const Tensor& u, const Tensor& b);                             // gelu(u + b)
Tensor scaled_residual(const Tensor& x, const Tensor& gamma, const Tensor& y);  // x + gamma ⊙ y

Tensor add(const Tensor& a, const Tensor& b);
Tensor sub(const Tensor& a, const Tensor& b);
Tensor mul(const Tensor& a, const Tensor& b);
Tensor div(const Tensor& a, const Tensor& b);
// Gradient to the larger (smaller) input, split in half on ties (PyTorch's rule).
Tensor maximum(const Tensor& a, const Tensor& b);
Tensor minimum(const Tensor& a, const Tensor& b);
Tensor where(const Tensor& cond, const Tensor& a, const Tensor& b);
// Comparisons: no gradient, 1/0 in the inputs' dtype.
Tensor eq(const Tensor& a, const Tensor& b);
Tensor ne(const Tensor& a, const Tensor& b);
Tensor lt(const Tensor& a, const Tensor& b);
Tensor le(const Tensor& a, const Tensor& b);
Tensor gt(const Tensor& a, const Tensor& b);
Tensor ge(const Tensor& a, const Tensor& b);

Tensor operator+(const Tensor& a, const Tensor& b);
Tensor operator-(const Tensor& a, const Tensor& b);
Tensor operator*(const Tensor& a, const Tensor& b);
Tensor operator/(const Tensor& a, const Tensor& b);
Tensor operator-(const Tensor& a);
Tensor operator+(const Tensor& a, double b);
Tensor operator-(const Tensor& a, double b);
Tensor operator*(const Tensor& a, double b);
Tensor operator/(const Tensor& a, double b);
Tensor operator*(double a, const Tensor& b);

// ---- reductions (dims empty = all) ----
Tensor sum(const Tensor& x, std::vector<int64_t> dims = {}, bool keepdim = false);
Tensor mean(const Tensor& x, std::vector<int64_t> dims = {}, bool keepdim = false);
// Gradient goes to every position equal to the extremum, shared equally (PyTorch's rule for
// full reductions; for ties along a dim this differs from PyTorch, which picks one index).
Tensor max(const Tensor& x, std::vector<int64_t> dims = {}, bool keepdim = false);
Tensor min(const Tensor& x, std::vector<int64_t> dims = {}, bool keepdim = false);
Tensor var(const Tensor& x, std::vector<int64_t> dims = {}, bool unbiased = true,
           bool keepdim = false);
std::vector<int64_t> argmax(const Tensor& x, int64_t dim);  // kernels::argmax; no gradient

// ---- linear algebra, convolution, normalisation ----
Tensor matmul(const Tensor& a, const Tensor& b, bool trans_a = false, bool trans_b = false);
// y = x·wᵀ + b over the last dim of x; w is (out, in) as in PyTorch; b may be undefined.
Tensor linear(const Tensor& x, const Tensor& w, const Tensor& b);
Tensor conv2d(const Tensor& x, const Tensor& w, const Tensor& bias, const Conv2dOptions& opt = {});
Tensor softmax(const Tensor& x, int64_t dim);
Tensor log_softmax(const Tensor& x, int64_t dim);
Tensor layer_norm(const Tensor& x, int64_t normalized_dims, const Tensor& weight,
                  const Tensor& bias, double eps);

// ---- shape ops ----
Tensor cat(const std::vector<Tensor>& xs, int64_t dim);
std::vector<Tensor> split(const Tensor& x, const std::vector<int64_t>& sizes, int64_t dim);
Tensor stack(const std::vector<Tensor>& xs, int64_t dim);
Tensor pad2d(const Tensor& x, int64_t left, int64_t right, int64_t top, int64_t bottom,
             PadMode mode = PadMode::zero);
Tensor pixel_shuffle(const Tensor& x, int64_t r);
Tensor pixel_unshuffle(const Tensor& x, int64_t r);
Tensor interpolate(const Tensor& x, int64_t out_h, int64_t out_w, InterpMode mode,
                   bool align_corners, bool antialias = false);

}  // namespace uflow

namespace uflow {
// Differentiable permutation along a dim; the gradient is permuted back.
Tensor permute_dim(const Tensor& x, int64_t dim, const std::vector<int64_t>& perm);
}  // namespace uflow

namespace uflow {
// The fused affine coupling of AllInOneBlock (kernels::affine_coupling, tensor/coupling_math.h):
// differentiable in x, the raw subnet output a, the global scale S and offset (1, C, 1, 1).
Tensor affine_coupling(const Tensor& x, const Tensor& a, const Tensor& scale, const Tensor& offset,
                       const std::vector<int64_t>& perm, const CouplingSpec& spec);
// Σ s per sample (B), the coupling's share of log|det J|; differentiable in a.
Tensor coupling_log_scale_sum(const Tensor& a, const CouplingSpec& spec);
}  // namespace uflow
