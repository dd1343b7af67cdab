// Inputs and naive references shared by the matmul, conv2d, softmax and layer_norm tests.
// Inputs are closed-form so PyTorch can rebuild them exactly:
//   seq(shape, a, b) == torch.sin(a * torch.arange(n, dtype=torch.float64) + b).reshape(shape)
#pragma once
#include <cmath>
#include <vector>

#include "autograd/ops.h"

namespace uflow::test {

inline Tensor seq(const Shape& shape, double a, double b, DType dtype = DType::f64) {
  std::vector<double> v(shape_numel(shape));
  for (size_t i = 0; i < v.size(); ++i) v[i] = std::sin(a * static_cast<double>(i) + b);
  return Tensor::from_vector(v, shape, dtype);
}

// scale · cos(a·i): torch: scale * torch.cos(a * torch.arange(n, dtype=torch.float64))
inline Tensor cos_seq(const Shape& shape, double a, double scale, DType dtype = DType::f64) {
  std::vector<double> v(shape_numel(shape));
  for (size_t i = 0; i < v.size(); ++i) v[i] = scale * std::cos(a * static_cast<double>(i));
  return Tensor::from_vector(v, shape, dtype);
}

// A leaf that gradcheck can perturb.
inline Tensor leaf(const Tensor& t) {
  Tensor l = detach(t);
  l.set_requires_grad();
  return l;
}

// Batched product with broadcasting, by the definition, in double: the reference for matmul.
inline Tensor matmul_ref(const Tensor& a_in, const Tensor& b_in, bool ta, bool tb) {
  Tensor a = ta ? kernels::transpose(a_in, -2, -1) : a_in;
  Tensor b = tb ? kernels::transpose(b_in, -2, -1) : b_in;
  const int64_t m = a.size(-2), k = a.size(-1), n = b.size(-1);
  Shape batch = broadcast_shapes(Shape(a.shape().begin(), a.shape().end() - 2),
                                 Shape(b.shape().begin(), b.shape().end() - 2));
  Shape sa = batch, sb = batch, sc = batch;
  sa.insert(sa.end(), {m, k});
  sb.insert(sb.end(), {k, n});
  sc.insert(sc.end(), {m, n});
  const std::vector<double> va = kernels::expand(a, sa).to_vector();
  const std::vector<double> vb = kernels::expand(b, sb).to_vector();
  std::vector<double> vc(shape_numel(sc), 0.0);
  for (int64_t p = 0; p < shape_numel(batch); ++p)
    for (int64_t i = 0; i < m; ++i)
      for (int64_t j = 0; j < n; ++j) {
        double s = 0;
        for (int64_t q = 0; q < k; ++q) s += va[(p * m + i) * k + q] * vb[(p * k + q) * n + j];
        vc[(p * m + i) * n + j] = s;
      }
  return Tensor::from_vector(vc, sc, DType::f64);
}

// Direct convolution by the definition, in double. pad_top/pad_left zero rows/cols come before
// the input; the output size is given.
inline Tensor conv2d_ref(const Tensor& x, const Tensor& w, const Tensor& bias, int64_t stride_h,
                         int64_t stride_w, int64_t pad_top, int64_t pad_left, int64_t oh,
                         int64_t ow, int64_t groups) {
  const int64_t N = x.size(0), C = x.size(1), H = x.size(2), W = x.size(3);
  const int64_t O = w.size(0), KH = w.size(2), KW = w.size(3);
  const int64_t cg = C / groups, og = O / groups;
  const std::vector<double> vx = x.to_vector(), vw = w.to_vector();
  const std::vector<double> vb = bias.defined() ? bias.to_vector() : std::vector<double>(O, 0.0);
  std::vector<double> out(N * O * oh * ow);
  for (int64_t n = 0; n < N; ++n)
    for (int64_t o = 0; o < O; ++o)
      for (int64_t y = 0; y < oh; ++y)
        for (int64_t xo = 0; xo < ow; ++xo) {
          double s = vb[o];
          const int64_t grp = o / og;
          for (int64_t c = 0; c < cg; ++c)
            for (int64_t i = 0; i < KH; ++i)
              for (int64_t j = 0; j < KW; ++j) {
                const int64_t iy = y * stride_h - pad_top + i, ix = xo * stride_w - pad_left + j;
                if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue;
                s += vx[((n * C + grp * cg + c) * H + iy) * W + ix] *
                     vw[((o * cg + c) * KH + i) * KW + j];
              }
          out[((n * O + o) * oh + y) * ow + xo] = s;
        }
  return Tensor::from_vector(out, {N, O, oh, ow}, DType::f64);
}

}  // namespace uflow::test
