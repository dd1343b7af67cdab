// Per-scale log10 P maps of both NFA variants against the Python port of the reference
// algorithm (tools/reference/nfa_reference.py → tests/fixtures/nfa/*.h5): random latents,
// planted anomalies, plateaus of equal levels, under-dispersed latents, a non-square map and
// anomalib's block parameters.
#include <doctest/doctest.h>

#include <string>

#include "contrario/block_log_prob.h"
#include "contrario/scale_maps.h"
#include "nfa_fixture_util.h"

using namespace uflow;
using namespace uflow::contrario;

TEST_CASE("tree NFA per-scale maps match the reference port, with and without the guard") {
  for (const std::string name : test::kNfaCases) {
    CAPTURE(name);
    const H5File f = test::open_nfa_fixture(name);
    const std::vector<Tensor> z = test::fixture_latents(f);
    REQUIRE(!z.empty());
    for (size_t s = 0; s < z.size(); ++s) {
      CAPTURE(s);
      const std::string idx = std::to_string(s + 1);
      // Both sides compute log P in double from the same float latents and store floats.
      CHECK_MAPS("tree", tree_log_prob_maps(z[s], false),
                 f.read_tensor("tree_logp" + idx, DType::f32), 1e-5, 1e-6);
      CHECK_MAPS("guarded tree", tree_log_prob_maps(z[s], true),
                 f.read_tensor("tree_guard_logp" + idx, DType::f32), 1e-5, 1e-6);
    }
  }
}

TEST_CASE("block NFA per-scale maps match the reference port") {
  for (const std::string name : test::kNfaCases) {
    CAPTURE(name);
    const H5File f = test::open_nfa_fixture(name);
    const std::vector<Tensor> z = test::fixture_latents(f);
    const int64_t window = static_cast<int64_t>(f.attr_double("window"));
    const double prob = f.attr_double("prob");
    for (size_t s = 0; s < z.size(); ++s) {
      CAPTURE(s);
      const Tensor maps =
          block_log_prob_maps(z[s], block_half_width(window, static_cast<int64_t>(s)), prob);
      // The reference keeps float64 maps; ours are float.
      CHECK_MAPS("block", maps, f.read_tensor("block_logp" + std::to_string(s + 1), DType::f64),
                 1e-6, 1e-6);
    }
  }
}
