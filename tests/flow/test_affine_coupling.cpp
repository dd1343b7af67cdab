// The fused affine coupling (kernels::affine_coupling, coupling_log_scale_sum) against the same
// formulas composed from the element-wise autograd ops, value and every gradient, in float64
// and float32; float64 gradchecks of both ops; and malformed arguments.
#include <cmath>

#include "test_util.h"

using namespace uflow;

namespace {

struct Inputs {
  Tensor x, a, scale, offset;
};

Inputs make_inputs(int64_t B, int64_t C, int64_t c2, int64_t H, int64_t W, DType dt) {
  Inputs in;
  in.x = kernels::rand_normal({B, C, H, W}, 1, 0, 0.0, 1.0, dt);
  in.a = kernels::rand_normal({B, 2 * c2, H, W}, 2, 0, 0.0, 8.0, dt);  // tanh well into its bend
  in.scale = kernels::rand_uniform({1, C, 1, 1}, 3, 0, 0.5, 1.5, dt);
  in.offset = kernels::rand_normal({1, C, 1, 1}, 4, 0, 0.0, 0.3, dt);
  return in;
}

// The coupling written with the differentiable element-wise ops, as in FrEIA.
Tensor composite(const Tensor& x, const Tensor& a, const Tensor& scale, const Tensor& offset,
                 const std::vector<int64_t>& perm, const CouplingSpec& spec) {
  Tensor a01 = a * 0.1;
  Tensor raw = narrow(a01, 1, 0, spec.c2);
  Tensor s = spec.scaled ? tanh(raw * (1.0 / spec.clamp)) * spec.clamp : tanh(raw) * spec.clamp;
  Tensor x2n = narrow(x, 1, spec.c1, spec.c2) * exp(s) + narrow(a01, 1, spec.c2, spec.c2);
  Tensor y = cat({narrow(x, 1, 0, spec.c1), x2n}, 1) * scale + offset;
  return perm.empty() ? y : permute_dim(y, 1, perm);
}
Tensor composite_log_scale_sum(const Tensor& a, const CouplingSpec& spec) {
  Tensor raw = narrow(a * 0.1, 1, 0, spec.c2);
  Tensor s = spec.scaled ? tanh(raw * (1.0 / spec.clamp)) * spec.clamp : tanh(raw) * spec.clamp;
  return sum(s, {1, 2, 3});
}

std::vector<Tensor> leaves(const Inputs& in) {
  std::vector<Tensor> out;
  for (const Tensor& t : {in.x, in.a, in.scale, in.offset}) {
    Tensor l = detach(t);
    l.set_requires_grad();
    out.push_back(l);
  }
  return out;
}

}  // namespace

TEST_CASE("fused affine coupling equals the composite formulas, values and gradients") {
  const std::vector<int64_t> perm = {4, 0, 3, 1, 2};
  for (const DType dt : {DType::f64, DType::f32})
    for (const bool scaled : {false, true})
      for (const bool permuted : {false, true}) {
        CAPTURE(dtype_name(dt));
        CAPTURE(scaled);
        CAPTURE(permuted);
        const CouplingSpec spec{3, 2, 1.9, scaled};
        const std::vector<int64_t> p = permuted ? perm : std::vector<int64_t>{};
        const Inputs in = make_inputs(2, 5, 2, 4, 3, dt);
        const std::vector<Tensor> f = leaves(in), c = leaves(in);
        const Tensor yf = affine_coupling(f[0], f[1], f[2], f[3], p, spec);
        const Tensor yc = composite(c[0], c[1], c[2], c[3], p, spec);
        const double tol = dt == DType::f64 ? 1e-12 : 2e-6;
        CHECK_CLOSE(yf, yc, tol, tol);
        const Tensor lf = coupling_log_scale_sum(f[1], spec);
        const Tensor lc = composite_log_scale_sum(c[1], spec);
        CHECK_CLOSE(lf, lc, tol, tol);
        // One loss through both outputs, so every gradient path is exercised.
        const Tensor r = kernels::rand_normal(yf.shape(), 5, 0, 0.0, 1.0, dt);
        const Tensor q = kernels::rand_normal(lf.shape(), 6, 0, 0.0, 1.0, dt);
        backward(sum(yf * r) + sum(lf * q));
        backward(sum(yc * r) + sum(lc * q));
        for (size_t i = 0; i < f.size(); ++i) {
          CAPTURE(i);
          CHECK_CLOSE(f[i].grad(), c[i].grad(), tol, tol);
        }
      }
}

TEST_CASE("fused affine coupling: float64 gradchecks") {
  for (const bool scaled : {false, true}) {
    CAPTURE(scaled);
    const CouplingSpec spec{2, 3, 2.0, scaled};
    const std::vector<int64_t> perm = {2, 4, 0, 1, 3};
    Inputs in = make_inputs(2, 5, 3, 3, 2, DType::f64);
    in.a = in.a * 0.2;  // keep tanh away from saturation so finite differences are informative
    const std::vector<Tensor> v = leaves(in);
    CHECK_GRADCHECK(
        [&](const std::vector<Tensor>& u) {
          return affine_coupling(u[0], u[1], u[2], u[3], perm, spec);
        },
        v);
    CHECK_GRADCHECK(
        [&](const std::vector<Tensor>& u) { return coupling_log_scale_sum(u[0], spec); },
        (std::vector<Tensor>{v[1]}));
  }
}

TEST_CASE("fused affine coupling rejects malformed arguments") {
  const CouplingSpec spec{3, 2, 2.0, false};
  const Inputs in = make_inputs(1, 5, 2, 2, 2, DType::f32);
  CHECK_THROWS_WITH_AS(kernels::affine_coupling(in.x, in.x, in.scale, in.offset, {}, spec),
                       doctest::Contains("subnet output must be (B, 4, H, W)"), Error);
  CHECK_THROWS_WITH_AS(
      kernels::affine_coupling(in.x, in.a, in.scale, in.offset, {0, 1, 2, 3, 3}, spec),
      doctest::Contains("not a permutation"), Error);
  CHECK_THROWS_WITH_AS(
      kernels::affine_coupling(in.x, in.a, kernels::ones({1, 4, 1, 1}), in.offset, {}, spec),
      doctest::Contains("scale needs 5 values"), Error);
}
