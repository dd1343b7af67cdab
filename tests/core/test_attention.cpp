// The fused talking-heads attention (kernels::talking_heads_attention) against its definition
// evaluated by plain loops in double, and against the composite autograd path of
// TalkingHeadAttn (the one the timm parity tests also check with gradients), on shapes whose
// token count is not a multiple of the kernel's row block.
#include <cmath>
#include <vector>

#include "layers/talking_head_attn.h"
#include "test_util.h"

using namespace uflow;

namespace {

// out[b, i, h·hd + d] = Σ_j P[b, h, i, j] v[b, j, h·hd + d] with
// P = mix(W_w, b_w, softmax_j(mix(W_l, b_l, scale · q·kᵀ))), by the definition.
std::vector<double> reference(const std::vector<double>& qkv, int64_t B, int64_t N, int64_t D,
                              int64_t H, double scale, const std::vector<double>& wl,
                              const std::vector<double>& bl, const std::vector<double>& ww,
                              const std::vector<double>& bw) {
  const int64_t hd = D / H;
  auto at = [&](int64_t b, int64_t n, int64_t part, int64_t h, int64_t d) {
    return qkv[((b * N + n) * 3 + part) * D + h * hd + d];
  };
  std::vector<double> out(B * N * D, 0.0);
  for (int64_t b = 0; b < B; ++b)
    for (int64_t i = 0; i < N; ++i) {
      std::vector<double> l(H * N), m(H * N), p(H * N);
      for (int64_t h = 0; h < H; ++h)
        for (int64_t j = 0; j < N; ++j) {
          double s = 0;
          for (int64_t d = 0; d < hd; ++d) s += at(b, i, 0, h, d) * at(b, j, 1, h, d);
          l[h * N + j] = scale * s;
        }
      for (int64_t o = 0; o < H; ++o)
        for (int64_t j = 0; j < N; ++j) {
          double s = bl[o];
          for (int64_t h = 0; h < H; ++h) s += wl[o * H + h] * l[h * N + j];
          m[o * N + j] = s;
        }
      for (int64_t o = 0; o < H; ++o) {
        double mx = -INFINITY, sum = 0;
        for (int64_t j = 0; j < N; ++j) mx = std::max(mx, m[o * N + j]);
        for (int64_t j = 0; j < N; ++j) sum += std::exp(m[o * N + j] - mx);
        for (int64_t j = 0; j < N; ++j) m[o * N + j] = std::exp(m[o * N + j] - mx) / sum;
      }
      for (int64_t o = 0; o < H; ++o)
        for (int64_t j = 0; j < N; ++j) {
          double s = bw[o];
          for (int64_t h = 0; h < H; ++h) s += ww[o * H + h] * m[h * N + j];
          p[o * N + j] = s;
        }
      for (int64_t h = 0; h < H; ++h)
        for (int64_t d = 0; d < hd; ++d) {
          double s = 0;
          for (int64_t j = 0; j < N; ++j) s += p[h * N + j] * at(b, j, 2, h, d);
          out[(b * N + i) * D + h * hd + d] = s;
        }
    }
  return out;
}

struct Shape4 {
  int64_t B, N, D, H;
};

}  // namespace

TEST_CASE("fused talking-heads attention equals its definition") {
  for (const Shape4 s : {Shape4{2, 37, 24, 4}, Shape4{1, 17, 32, 16}, Shape4{3, 5, 16, 2}}) {
    for (const DType dt : {DType::f64, DType::f32}) {
      CAPTURE(s.N);
      CAPTURE(s.H);
      CAPTURE(dtype_name(dt));
      const Tensor qkv = kernels::rand_uniform({s.B, s.N, 3 * s.D}, 1, 0, -2, 2, dt);
      const Tensor wl = kernels::rand_uniform({s.H, s.H}, 2, 0, -1, 1, dt);
      const Tensor bl = kernels::rand_uniform({s.H}, 3, 0, -1, 1, dt);
      const Tensor ww = kernels::rand_uniform({s.H, s.H}, 4, 0, -1, 1, dt);
      const Tensor bw = kernels::rand_uniform({s.H}, 5, 0, -1, 1, dt);
      const double scale = 1.0 / std::sqrt(static_cast<double>(s.D / s.H));
      const Tensor got = kernels::talking_heads_attention(qkv, s.H, scale, wl, bl, ww, bw);
      const std::vector<double> want =
          reference(qkv.to_vector(), s.B, s.N, s.D, s.H, scale, wl.to_vector(), bl.to_vector(),
                    ww.to_vector(), bw.to_vector());
      const double tol = dt == DType::f64 ? 1e-12 : 2e-5;
      CHECK_CLOSE(got, Tensor::from_vector(want, {s.B, s.N, s.D}, dt), tol, tol);
    }
  }
}

TEST_CASE("TalkingHeadAttn: the fused inference path equals the composite autograd path") {
  Generator gen(11);
  TalkingHeadAttn attn(48, 16, gen);
  attn.to(DType::f64);
  const Tensor x = kernels::rand_normal({2, 45, 48}, 7, 0, 0.0, 1.0, DType::f64);
  Tensor composite;
  {
    // A leaf that wants gradients keeps the layer on its differentiable path.
    Tensor xl = detach(x);
    xl.set_requires_grad();
    composite = detach(attn.forward(xl));
  }
  Tensor fused;
  {
    NoGradGuard no_grad;
    fused = attn.forward(x);
  }
  CHECK_CLOSE(fused, composite, 1e-12, 1e-12);
}

TEST_CASE("fused talking-heads attention rejects malformed arguments") {
  const Tensor qkv = kernels::zeros({1, 4, 24});
  const Tensor w = kernels::zeros({4, 4}), b = kernels::zeros({4});
  CHECK_THROWS_WITH_AS(
      kernels::talking_heads_attention(kernels::zeros({1, 4, 25}), 4, 1.0, w, b, w, b),
      doctest::Contains("(B, N, 3·D)"), Error);
  CHECK_THROWS_WITH_AS(kernels::talking_heads_attention(qkv, 3, 1.0, w, b, w, b),
                       doctest::Contains("do not divide"), Error);
  CHECK_THROWS_WITH_AS(
      kernels::talking_heads_attention(qkv, 4, 1.0, kernels::zeros({4, 3}), b, w, b),
      doctest::Contains("head-mixing weights"), Error);
}
