// softmax and log_softmax: known values from PyTorch over the last and a middle dim, numeric
// stability, non-contiguous inputs, and float64 gradient checks over every dim.
// Expected values: the PyTorch expressions in the comments, run after
// torch.set_default_dtype(torch.float64), so torch.arange(n.) and friends are float64.
#include "nn_test_util.h"
#include "test_util.h"

using namespace uflow;
using test::leaf;
using test::seq;

TEST_CASE("softmax and log_softmax match PyTorch") {
  for (DType dt : {DType::f64, DType::f32}) {
    const double tol = dt == DType::f64 ? 1e-12 : 1e-6;
    const std::string dtype = dtype_name(dt);
    CAPTURE(dtype);
    // x = 3 * torch.sin(0.9 * torch.arange(10.) + 0.2).reshape(2, 5)
    Tensor x = kernels::affine_scalar(seq({2, 5}, 0.9, 0.2, dt), 3.0, 0.0);
    // torch.softmax(x, -1)
    CHECK_CLOSE(kernels::softmax(x, -1),
                Tensor::from_vector({0.053666812873860784, 0.42855063045087999, 0.45245082751597809,
                                     0.060614539856825328, 0.0047171893024557741,
                                     0.0015607820195254873, 0.0047169237974622937,
                                     0.059758815948251637, 0.4645555073949707, 0.46940797083978997},
                                    {2, 5}, DType::f64),
                tol, tol);
    // torch.log_softmax(x, -1)
    CHECK_CLOSE(kernels::log_softmax(x, 1),
                Tensor::from_vector({-2.9249604783118404, -0.84734639051271776, -0.7930761902199791,
                                     -2.8032204830550778, -5.3565421435251821, -6.4625682887592175,
                                     -5.3565984296838778, -2.8174385518034688, -0.7666742286320346,
                                     -0.75628301479803317},
                                    {2, 5}, DType::f64),
                tol, tol);
    // x = torch.sin(0.9 * torch.arange(12.) + 0.2).reshape(2, 3, 2); over dim 1 (inner size 2)
    Tensor x3 = seq({2, 3, 2}, 0.9, 0.2, dt);
    // torch.softmax(x, 1)
    CHECK_CLOSE(kernels::softmax(x3, 1),
                Tensor::from_vector({0.28736517475314372, 0.59811270464045618, 0.58486548983808428,
                                     0.31163142976256042, 0.12776933540877206, 0.090255865596983315,
                                     0.1255106385565751, 0.29244258416950647, 0.57961567699612548,
                                     0.58133094047370526, 0.29487368444729939, 0.12622647535678824},
                                    {2, 3, 2}, DType::f64),
                tol, tol);
    // torch.log_softmax(x, 1)
    CHECK_CLOSE(
        kernels::log_softmax(x3, -2),
        Tensor::from_vector(
            {-1.2470014861200038, -0.51397607349119057, -0.53637339008938334, -1.165934104338644,
             -2.0575287078577844, -2.4051066911167269, -2.0753647546279184, -1.2294869250158889,
             -0.54539002094397071, -0.54243507934741031, -1.2212082026553501, -2.0696775619965866},
            {2, 3, 2}, DType::f64),
        tol, tol);
  }
}

TEST_CASE("softmax is shift invariant and stable for large inputs") {
  // exp(1000) overflows double and exp(100) overflows float without the max subtraction.
  Tensor x = seq({3, 7}, 0.9, 0.2);
  Tensor big = kernels::affine_scalar(x, 1.0, 1000.0);
  CHECK_CLOSE(kernels::softmax(big, -1), kernels::softmax(x, -1), 1e-12, 1e-10);
  CHECK_CLOSE(kernels::log_softmax(big, -1), kernels::log_softmax(x, -1), 1e-10, 0);
  Tensor xf = seq({3, 7}, 0.9, 0.2, DType::f32);
  Tensor bigf = kernels::affine_scalar(xf, 1.0, 100.0);  // inputs rounded to ~4e-6 here
  CHECK_CLOSE(kernels::softmax(bigf, -1), kernels::softmax(xf, -1), 1e-6, 2e-5);
  CHECK_CLOSE(kernels::log_softmax(bigf, -1), kernels::log_softmax(xf, -1), 2e-5, 0);
  // Each row sums to one, whatever the dim.
  Tensor x4 = seq({2, 3, 4, 5}, 0.61, 0.3);
  for (int64_t d = 0; d < 4; ++d) {
    Tensor s = kernels::reduce(ReduceOp::sum, kernels::softmax(x4, d), {d});
    CHECK_CLOSE(s, kernels::ones(s.shape(), DType::f64), 1e-12, 0);
  }
}

TEST_CASE("softmax of a non-contiguous view equals softmax of its copy") {
  Tensor base = seq({4, 3, 5}, 0.47, -0.2);
  Tensor v = kernels::permute(base, {2, 0, 1});  // (5, 4, 3)
  CHECK_FALSE(v.is_contiguous());
  for (int64_t d = 0; d < 3; ++d) {
    CHECK_CLOSE(kernels::softmax(v, d), kernels::softmax(kernels::clone(v), d), 0, 0);
    CHECK_CLOSE(kernels::log_softmax(v, d), kernels::log_softmax(kernels::clone(v), d), 0, 0);
  }
  CHECK_THROWS_AS(kernels::softmax(v, 3), Error);
}

TEST_CASE("gradcheck softmax and log_softmax over every dim") {
  Tensor x = leaf(seq({2, 3, 4}, 0.61, 0.3));
  for (int64_t d : {0, 1, 2, -1}) {
    CAPTURE(d);
    CHECK_GRADCHECK([d](const std::vector<Tensor>& in) { return softmax(in[0], d); },
                    std::vector<Tensor>{x});
    CHECK_GRADCHECK([d](const std::vector<Tensor>& in) { return log_softmax(in[0], d); },
                    std::vector<Tensor>{x});
  }
  Tensor xt = leaf(kernels::transpose(seq({4, 3}, 0.61, 0.3), 0, 1));  // (3, 4)
  CHECK_GRADCHECK([](const std::vector<Tensor>& in) { return softmax(in[0], 1); },
                  std::vector<Tensor>{xt});
  CHECK_GRADCHECK([](const std::vector<Tensor>& in) { return log_softmax(in[0], 0); },
                  std::vector<Tensor>{xt});
}
