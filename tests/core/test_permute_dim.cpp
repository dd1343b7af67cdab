// permute_dim: the gather by a permutation used for the coupling blocks' channel mixing.
#include "tensor/generator.h"
#include "test_util.h"

using namespace uflow;

TEST_CASE("permute_dim gathers entries along a dim and its inverse restores them") {
  Tensor x = kernels::reshape(kernels::arange(24, DType::f64), {2, 3, 4});
  Tensor y = kernels::permute_dim(x, 1, {2, 0, 1});
  // y[:, o] = x[:, perm[o]]
  CHECK_CLOSE(kernels::narrow(y, 1, 0, 1), kernels::narrow(x, 1, 2, 1), 0, 0);
  CHECK_CLOSE(kernels::narrow(y, 1, 1, 1), kernels::narrow(x, 1, 0, 1), 0, 0);
  CHECK_CLOSE(kernels::narrow(y, 1, 2, 1), kernels::narrow(x, 1, 1, 1), 0, 0);
  CHECK_CLOSE(kernels::permute_dim(y, 1, {1, 2, 0}), x, 0, 0);
  // Non-contiguous input and the last dim.
  Tensor xt = kernels::transpose(x, 0, 2);  // (4, 3, 2)
  Tensor z = kernels::permute_dim(xt, -1, {1, 0});
  CHECK_CLOSE(kernels::narrow(z, 2, 0, 1), kernels::narrow(xt, 2, 1, 1), 0, 0);
}

TEST_CASE("permute_dim rejects index lists that are not permutations") {
  Tensor x = kernels::zeros({2, 3});
  CHECK_THROWS_WITH_AS(kernels::permute_dim(x, 1, {0, 0, 1}),
                       doctest::Contains("not a permutation"), Error);
  CHECK_THROWS_WITH_AS(kernels::permute_dim(x, 1, {0, 1}), doctest::Contains("2 indices"), Error);
}

TEST_CASE("gradcheck: permute_dim") {
  Generator gen(3);
  Tensor x = gen.normal({2, 4, 3}, 0, 1, DType::f64);
  x.set_requires_grad(true);
  CHECK_GRADCHECK(
      [](const std::vector<Tensor>& in) {
        return permute_dim(in[0], 1, {3, 1, 0, 2});
      },
      std::vector<Tensor>{x});
}
