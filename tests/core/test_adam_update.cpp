// The fused Adam update (kernels::adam_update) against the same step written with the
// element-wise ops, one by one, in float64 and float32: parameters and both moments must
// agree bit for bit over several steps, with and without weight decay, for parameters of
// mixed sizes (empty, a few elements, several blocks of the parallel split) and a
// non-contiguous gradient. Malformed arguments are refused. The optimiser itself is checked
// against PyTorch in tests/layers/test_adam.cpp.
#include <cmath>

#include "test_util.h"

using namespace uflow;
using kernels::BinaryOp;

namespace {

Tensor affine(const Tensor& x, double mul) {
  return kernels::affine_scalar(x, mul, 0.0);
}

// One Adam step composed of element-wise ops: PyTorch's update, operation by operation.
void composite_step(Tensor& p, const Tensor& g_in, Tensor& m, Tensor& v, const AdamStepArgs& a) {
  const double bc1 = 1.0 - std::pow(a.beta1, static_cast<double>(a.step));
  const double bc2 = 1.0 - std::pow(a.beta2, static_cast<double>(a.step));
  Tensor g = g_in;
  if (a.weight_decay != 0) g = kernels::binary(BinaryOp::add, g, affine(p, a.weight_decay));
  m = kernels::binary(BinaryOp::add, affine(m, a.beta1), affine(g, 1.0 - a.beta1));
  v = kernels::binary(BinaryOp::add, affine(v, a.beta2),
                      affine(kernels::unary(UnaryOp::square, g), 1.0 - a.beta2));
  const Tensor denom =
      kernels::affine_scalar(kernels::unary(UnaryOp::sqrt, v), 1.0 / std::sqrt(bc2), a.eps);
  p = kernels::binary(BinaryOp::add, p,
                      affine(kernels::binary(BinaryOp::div, m, denom), -a.lr / bc1));
}

}  // namespace

TEST_CASE("fused Adam update equals the element-wise composition bit for bit") {
  const std::vector<Shape> shapes = {{0}, {3}, {7, 5}, {40000}, {816, 3, 3, 1}};
  for (const DType dt : {DType::f64, DType::f32})
    for (const double wd : {0.0, 1e-2}) {
      CAPTURE(dtype_name(dt));
      CAPTURE(wd);
      std::vector<kernels::AdamTensors> fused;
      std::vector<Tensor> p, m, v;
      for (size_t i = 0; i < shapes.size(); ++i) {
        const Tensor init = kernels::rand_normal(shapes[i], 10 + i, 0, 0.0, 1.0, dt);
        p.push_back(kernels::clone(init));
        m.push_back(kernels::zeros(shapes[i], dt));
        v.push_back(kernels::zeros(shapes[i], dt));
        fused.push_back({kernels::clone(init), Tensor(), kernels::zeros(shapes[i], dt),
                         kernels::zeros(shapes[i], dt)});
      }
      AdamStepArgs a;
      a.lr = 3e-3;
      a.weight_decay = wd;
      for (int64_t step = 1; step <= 3; ++step) {
        a.step = step;
        for (size_t i = 0; i < shapes.size(); ++i) {
          Tensor g = kernels::rand_normal(shapes[i], 100 * step + i, 0, 0.0, 0.5, dt);
          if (shapes[i].size() == 2) g = transpose(kernels::clone(transpose(g, 0, 1)), 0, 1);
          fused[i].grad = g;
          composite_step(p[i], g, m[i], v[i], a);
        }
        kernels::adam_update(fused, a);
        for (size_t i = 0; i < shapes.size(); ++i) {
          CAPTURE(shape_str(shapes[i]));
          CHECK_CLOSE(fused[i].param, p[i], 0.0, 0.0);
          CHECK_CLOSE(fused[i].m, m[i], 0.0, 0.0);
          CHECK_CLOSE(fused[i].v, v[i], 0.0, 0.0);
        }
      }
    }
}

TEST_CASE("fused Adam update refuses malformed arguments") {
  const Tensor p = kernels::zeros({4}), g = kernels::zeros({4});
  AdamStepArgs a;
  CHECK_THROWS_WITH_AS(
      kernels::adam_update({{p, kernels::zeros({5}), kernels::zeros({4}), kernels::zeros({4})}}, a),
      doctest::Contains("a tensor of shape [5] for a parameter of shape [4]"), Error);
  CHECK_THROWS_WITH_AS(
      kernels::adam_update({{p, g, kernels::zeros({4}), kernels::zeros({4}, DType::f64)}}, a),
      doctest::Contains("adam_update"), Error);
  CHECK_THROWS_WITH_AS(
      kernels::adam_update({{transpose(kernels::zeros({2, 2}), 0, 1), kernels::zeros({2, 2}),
                             kernels::zeros({2, 2}), kernels::zeros({2, 2})}},
                           a),
      doctest::Contains("must be contiguous"), Error);
  a.step = 0;
  CHECK_THROWS_WITH_AS(kernels::adam_update({{p, g, kernels::zeros({4}), kernels::zeros({4})}}, a),
                       doctest::Contains("step must be at least 1"), Error);
}
