// layer_norm: known values (output, saved mean and rstd) from PyTorch, normalisation over
// several trailing dims, optional affine parameters, and float64 gradient checks w.r.t.
// input, weight and bias.
// Expected values: the PyTorch expressions in the comments, run after
// torch.set_default_dtype(torch.float64), so torch.arange(n.) and friends are float64.
#include "nn_test_util.h"
#include "test_util.h"

using namespace uflow;
using test::leaf;
using test::seq;

namespace {

// torch: x = 2 * torch.sin(0.8 * torch.arange(10.) + 0.3).reshape(2, 5) + 0.5
//        w = 1 + 0.1 * torch.sin(1.1 * torch.arange(5.)),  b = 0.05 * torch.arange(5.)
Tensor ln_x(DType dt) {
  return kernels::affine_scalar(seq({2, 5}, 0.8, 0.3, dt), 2.0, 0.5);
}
Tensor ln_w(DType dt) {
  return kernels::affine_scalar(seq({5}, 1.1, 0.0, dt), 0.1, 1.0);
}
Tensor ln_b(DType dt) {
  return Tensor::from_vector({0.0, 0.05, 0.1, 0.15, 0.2}, {5}, dt);
}

}  // namespace

TEST_CASE("layer_norm matches PyTorch and saves mean and rstd") {
  for (DType dt : {DType::f64, DType::f32}) {
    const double tol = dt == DType::f64 ? 1e-12 : 2e-6;
    const std::string dtype = dtype_name(dt);
    CAPTURE(dtype);
    LayerNormOut r = kernels::layer_norm(ln_x(dt), 1, ln_w(dt), ln_b(dt), 1e-5);
    // F.layer_norm(x, (5,), w, b, 1e-5)
    CHECK_CLOSE(r.y,
                Tensor::from_vector({-0.31124664711721955, 1.0902682058873105, 1.2589610119420696,
                                     0.11956610470207261, -1.3248768754154765, -1.0040212859594202,
                                     -1.0577283048904709, -0.19161678770963192, 0.92215699477798296,
                                     1.5630297265426676},
                                    {2, 5}, DType::f64),
                tol, tol);
    // x.mean(-1) and 1 / torch.sqrt(x.var(-1, unbiased=False) + 1e-5)
    CHECK_CLOSE(r.mean,
                Tensor::from_vector({1.3838497227817599, 0.15079704539356567}, {2}, DType::f64),
                tol, tol);
    CHECK_CLOSE(r.rstd,
                Tensor::from_vector({1.0629670473667621, 0.67696157304327376}, {2}, DType::f64),
                tol, tol);
    // x = 2 * torch.sin(0.8 * torch.arange(12.) + 0.3).reshape(2, 2, 3) + 0.5
    // F.layer_norm(x, (2, 3), None, None, 1e-5)
    LayerNormOut r2 =
        kernels::layer_norm(kernels::affine_scalar(seq({2, 2, 3}, 0.8, 0.3, dt), 2.0, 0.5), 2,
                            Tensor(), Tensor(), 1e-5);
    CHECK(r2.mean.shape() == Shape{2});
    CHECK_CLOSE(r2.y,
                Tensor::from_vector({0.12044446302005564, 1.0179150471574876, 1.1009185199737002,
                                     0.31910608865660878, -0.8532853168588781, -1.7050988019489732,
                                     -1.697433865069653, -0.87311820038407006, 0.28990464374145475,
                                     1.0861606163084239, 1.0326515290732181, 0.16183527633062658},
                                    {2, 2, 3}, DType::f64),
                tol, tol);
  }
}

TEST_CASE("layer_norm handles large means and non-contiguous inputs") {
  // Two-pass statistics: a huge common offset must not swamp the variance in f32.
  Tensor x = seq({3, 64}, 0.37, 0.1, DType::f32);
  Tensor shifted = kernels::affine_scalar(x, 1.0, 1e4);
  CHECK_CLOSE(kernels::layer_norm(shifted, 1, Tensor(), Tensor(), 1e-5).y,
              kernels::layer_norm(x, 1, Tensor(), Tensor(), 1e-5).y, 2e-3, 0);
  Tensor v = kernels::transpose(seq({6, 4}, 0.37, 0.1), 0, 1);  // (4, 6)
  CHECK_CLOSE(kernels::layer_norm(v, 1, Tensor(), Tensor(), 1e-5).y,
              kernels::layer_norm(kernels::clone(v), 1, Tensor(), Tensor(), 1e-5).y, 0, 0);
  CHECK_THROWS_AS(kernels::layer_norm(v, 1, seq({4}, 0.1, 0.0), Tensor(), 1e-5), Error);
  CHECK_THROWS_AS(kernels::layer_norm(v, 3, Tensor(), Tensor(), 1e-5), Error);
}

TEST_CASE("gradcheck layer_norm w.r.t. input, weight and bias") {
  Tensor x = leaf(ln_x(DType::f64)), w = leaf(ln_w(DType::f64)), b = leaf(ln_b(DType::f64));
  CHECK_GRADCHECK(
      [](const std::vector<Tensor>& in) { return layer_norm(in[0], 1, in[1], in[2], 1e-5); },
      (std::vector<Tensor>{x, w, b}));
  // Input only, no affine parameters.
  CHECK_GRADCHECK(
      [](const std::vector<Tensor>& in) { return layer_norm(in[0], 1, Tensor(), Tensor(), 1e-5); },
      (std::vector<Tensor>{x}));
  // Weight without bias, over two trailing dims, from a non-contiguous input leaf.
  Tensor x3 = leaf(kernels::permute(seq({3, 2, 2}, 0.8, 0.3), {1, 0, 2}));  // (2, 3, 2)
  Tensor w2 = leaf(kernels::affine_scalar(seq({3, 2}, 1.1, 0.0), 0.1, 1.0));
  CHECK_GRADCHECK(
      [](const std::vector<Tensor>& in) { return layer_norm(in[0], 2, in[1], Tensor(), 1e-5); },
      (std::vector<Tensor>{x3, w2}));
  // Gradients flow to the parameters alone when the input is a constant.
  Tensor xc = ln_x(DType::f64);
  CHECK_GRADCHECK(
      [&](const std::vector<Tensor>& in) { return layer_norm(xc, 1, in[0], in[1], 1e-5); },
      (std::vector<Tensor>{w, b}));
}
