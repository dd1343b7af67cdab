// Whole NFA pipelines (per-scale maps, upsampling, combination over scales, number of tests,
// mask) against the Python port of the reference (tests/fixtures/nfa/*.h5).
#include <doctest/doctest.h>

#include <cmath>
#include <string>

#include "contrario/block_nfa.h"
#include "contrario/tree_nfa.h"
#include "nfa_fixture_util.h"
#include "tensor/error.h"
#include "tensor/ops.h"

using namespace uflow;
using namespace uflow::contrario;

namespace {

// The mask must be score > 0 of the reference wherever the reference is not within tol of 0.
void check_mask(const Tensor& mask, const Tensor& ref_score, double tol) {
  const std::vector<float> m = mask.to_floats();
  const std::vector<double> r = ref_score.to_vector();
  REQUIRE(m.size() == r.size());
  int64_t wrong = 0, detected = 0;
  for (size_t i = 0; i < m.size(); ++i) {
    detected += m[i] > 0.5f;
    if (std::isnan(r[i]) || std::fabs(r[i]) <= tol) continue;
    wrong += (m[i] > 0.5f) != (r[i] > 0);
  }
  INFO("detected ", detected, " of ", m.size());
  CHECK(wrong == 0);
}

}  // namespace

TEST_CASE("tree NFA scores and masks match the reference port") {
  for (const std::string name : test::kNfaCases) {
    CAPTURE(name);
    const H5File f = test::open_nfa_fixture(name);
    const std::vector<Tensor> z = test::fixture_latents(f);
    for (const bool guard : {false, true}) {
      CAPTURE(guard);
      TreeNfaOptions opt;
      opt.size = static_cast<int64_t>(f.attr_double("size"));
      opt.guard = guard;
      const NfaResult r = tree_nfa(z, opt);
      const Tensor ref = f.read_tensor(guard ? "tree_guard_score" : "tree_score", DType::f32);
      CHECK(r.score.shape() == Shape{z[0].size(0), 1, opt.size, opt.size});
      CHECK(std::fabs(r.log10_tests - f.attr_double("log10_tests_tree")) <= 1e-9);
      // Upsampling in float on both sides; scores carry log10 N_tests (≈ 90 here).
      CHECK_MAPS("tree score", r.score, ref, 1e-4, 1e-5);
      check_mask(r.mask, ref, 1e-3);
    }
  }
}

TEST_CASE("block NFA scores and masks match the reference port") {
  for (const std::string name : test::kNfaCases) {
    CAPTURE(name);
    const H5File f = test::open_nfa_fixture(name);
    BlockNfaOptions opt;
    opt.size = static_cast<int64_t>(f.attr_double("size"));
    opt.window = static_cast<int64_t>(f.attr_double("window"));
    opt.prob = f.attr_double("prob");
    const NfaResult r = block_nfa(test::fixture_latents(f), opt);
    const Tensor ref = f.read_tensor("block_score", DType::f64);
    CHECK(std::fabs(r.log10_tests - f.attr_double("log10_tests_block")) <= 1e-9);
    // The reference upsamples float64 maps; ours are float.
    CHECK_MAPS("block score", r.score, ref, 1e-4, 1e-5);
    check_mask(r.mask, ref, 1e-3);
  }
}

TEST_CASE("the mask threshold epsilon") {
  const H5File f = test::open_nfa_fixture("planted");
  const std::vector<Tensor> z = test::fixture_latents(f);
  const NfaResult r = tree_nfa(z, {.size = 24});
  const std::vector<float> score = r.score.to_floats();
  for (const double eps : {-50.0, 0.0, 3.0, 20.0}) {
    const std::vector<float> mask = nfa_mask(r.score, eps).to_floats();
    int64_t wrong = 0;
    for (size_t i = 0; i < score.size(); ++i) wrong += (mask[i] > 0.5f) != (score[i] > eps);
    CHECK(wrong == 0);
  }
  TreeNfaOptions strict;
  strict.size = 24;
  strict.epsilon = 3.0;
  CHECK(tree_nfa(z, strict).mask.to_floats() == nfa_mask(r.score, 3.0).to_floats());
}

TEST_CASE("bad latents are rejected with a clear error") {
  const Tensor ok = kernels::zeros({1, 4, 6, 6});
  CHECK_THROWS_AS(tree_nfa({}), Error);
  CHECK_THROWS_AS(tree_nfa({kernels::zeros({4, 6, 6})}), Error);
  CHECK_THROWS_AS(tree_nfa({ok, kernels::zeros({2, 4, 3, 3})}), Error);  // batch mismatch
  CHECK_THROWS_AS(block_nfa({kernels::zeros({1, 4, 2, 2})}), Error);     // window too large
  BlockNfaOptions bad_prob;
  bad_prob.prob = 1.0;
  CHECK_THROWS_AS(block_nfa({ok}, bad_prob), Error);
}
