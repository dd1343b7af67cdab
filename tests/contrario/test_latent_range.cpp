// Both NFA variants refuse latents they would turn into NaN maps (NaN, ±Inf, |z| > 1e15), and
// at the bound itself their maps are finite: the bound is safe, not merely a guess.
#include <cmath>
#include <limits>

#include "contrario/block_nfa.h"
#include "contrario/latent_range.h"
#include "contrario/tree_nfa.h"
#include "tensor/ops.h"
#include "test_util.h"

using namespace uflow;
using namespace uflow::contrario;
using test::error_of;

namespace {

std::vector<Tensor> latents(double bad) {
  std::vector<double> z1 = kernels::rand_normal({2, 8, 16, 16}, 1, 0).to_vector();
  z1[100] = bad;
  return {Tensor::from_vector(z1, {2, 8, 16, 16}), kernels::rand_normal({2, 8, 8, 8}, 2, 0)};
}

bool finite(const Tensor& t) {
  for (double v : t.to_vector())
    if (!std::isfinite(v)) return false;
  return true;
}

}  // namespace

TEST_CASE("tree and block NFA refuse NaN, ±Inf and out-of-range latents") {
  const double inf = std::numeric_limits<double>::infinity();
  for (double bad : {std::nan(""), inf, -inf}) {
    CHECK(error_of([&] { tree_nfa(latents(bad), {}); }) ==
          "tree_nfa: latent 0 holds NaN or ±Inf values");
    CHECK(error_of([&] { block_nfa(latents(bad), {}); }) ==
          "block_nfa: latent 0 holds NaN or ±Inf values");
  }
  CHECK(error_of([&] { block_nfa(latents(1e30), {}); }) ==
        "block_nfa: latent 0 holds values up to 1e+30 in magnitude (the NFA accepts |z| <= "
        "1e+15)");
  CHECK(latent_range_problem(kernels::full({3}, -2e15)) ==
        "holds values up to 2e+15 in magnitude (the NFA accepts |z| <= 1e+15)");
  CHECK(latent_range_problem(kernels::zeros({0})) == "");
}

TEST_CASE("at the bound |z| = 1e15 both NFA maps are finite and the pixel is detected") {
  TreeNfaOptions tree;
  tree.size = 32;
  BlockNfaOptions block;
  block.size = 32;
  for (double edge : {kMaxLatent, -kMaxLatent}) {
    const NfaResult t = tree_nfa(latents(edge), tree);
    const NfaResult b = block_nfa(latents(edge), block);
    CHECK(finite(t.score));
    CHECK(finite(b.score));
    // Image 0 holds the extreme value: something is detected there.
    CHECK(kernels::reduce(ReduceOp::max, kernels::narrow(t.mask, 0, 0, 1), {0, 1, 2, 3}).item() ==
          1.0);
  }
}
