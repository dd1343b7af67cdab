// The NFA on CUDA latents against the CPU path: per-scale maps bit for bit (the channel sums are
// accumulated in the same order, so the trees are the same), whole pipelines within float
// rounding of the upsampling. Inputs: the NFA fixtures and latents at MS-CaiT shapes.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "contrario/block_log_prob.h"
#include "contrario/block_nfa.h"
#include "contrario/nfa_fixture_util.h"
#include "contrario/scale_maps.h"
#include "contrario/tree_nfa.h"
#include "tensor/ops.h"
#include "test_util.h"

using namespace uflow;
using namespace uflow::contrario;

namespace {

std::vector<Tensor> on_gpu(const std::vector<Tensor>& z) {
  std::vector<Tensor> out;
  for (const Tensor& t : z) out.push_back(kernels::to_device(t, Device::cuda));
  return out;
}

void check_same_bits(const Tensor& gpu, const Tensor& cpu) {
  CHECK(gpu.is_cuda());
  const std::vector<float> g = gpu.to_floats(), c = cpu.to_floats();
  REQUIRE(g.size() == c.size());
  int64_t differ = 0;
  for (size_t i = 0; i < g.size(); ++i)
    differ += !(g[i] == c[i] || (std::isnan(g[i]) && std::isnan(c[i])));
  CHECK(differ == 0);
}

void check_results(const NfaResult& gpu, const NfaResult& cpu) {
  CHECK(gpu.score.is_cuda());
  CHECK(gpu.mask.is_cuda());
  CHECK(gpu.log10_tests == cpu.log10_tests);
  CHECK_MAPS("score", gpu.score, cpu.score, 1e-4, 1e-5);
  const std::vector<float> gm = gpu.mask.to_floats(), cm = cpu.mask.to_floats();
  const std::vector<float> cs = cpu.score.to_floats();
  int64_t wrong = 0;
  for (size_t i = 0; i < gm.size(); ++i)
    if (!(std::fabs(cs[i]) <= 1e-3f)) wrong += gm[i] != cm[i];
  CHECK(wrong == 0);
}

void check_all(const std::vector<Tensor>& z, int64_t size, int64_t window, double prob) {
  const std::vector<Tensor> zg = on_gpu(z);
  for (size_t s = 0; s < z.size(); ++s) {
    CAPTURE(s);
    check_same_bits(tree_log_prob_maps(zg[s], false), tree_log_prob_maps(z[s], false));
    check_same_bits(tree_log_prob_maps(zg[s], true), tree_log_prob_maps(z[s], true));
    const int64_t hw = block_half_width(window, static_cast<int64_t>(s));
    check_same_bits(block_log_prob_maps(zg[s], hw, prob), block_log_prob_maps(z[s], hw, prob));
  }
  for (const bool guard : {false, true}) {
    TreeNfaOptions opt;
    opt.size = size;
    opt.guard = guard;
    check_results(tree_nfa(zg, opt), tree_nfa(z, opt));
  }
  BlockNfaOptions opt;
  opt.size = size;
  opt.window = window;
  opt.prob = prob;
  check_results(block_nfa(zg, opt), block_nfa(z, opt));
}

}  // namespace

TEST_CASE("NFA on CUDA matches the CPU on the fixture latents") {
  UFLOW_REQUIRE_CUDA_OR_SKIP();
  for (const std::string name : test::kNfaCases) {
    CAPTURE(name);
    const H5File f = test::open_nfa_fixture(name);
    check_all(test::fixture_latents(f), static_cast<int64_t>(f.attr_double("size")),
              static_cast<int64_t>(f.attr_double("window")), f.attr_double("prob"));
  }
}

TEST_CASE("NFA on CUDA matches the CPU at MS-CaiT shapes, batch of 3") {
  UFLOW_REQUIRE_CUDA_OR_SKIP();
  for (const double std : {1.0, 0.95, 1.3}) {
    CAPTURE(std);
    const std::vector<Tensor> z = {
        kernels::rand_normal({3, 816, 28, 28}, 77, 0, 0.0, std),
        kernels::rand_normal({3, 192, 14, 14}, 77, uint64_t{1} << 32, 0.0, std)};
    check_all(z, 256, 5, 0.9);
  }
}
