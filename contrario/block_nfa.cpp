#include "contrario/block_nfa.h"

#include <cmath>

#include "contrario/block_log_prob.h"
#include "tensor/ops.h"

namespace uflow::contrario {

NfaResult block_nfa(const std::vector<Tensor>& z_in, const BlockNfaOptions& opt) {
  UFLOW_CHECK(opt.size > 0, "block_nfa: output size ", opt.size);
  UFLOW_CHECK(opt.window >= 1, "block_nfa: window ", opt.window);
  UFLOW_CHECK(opt.prob > 0.0 && opt.prob < 1.0, "block_nfa: probability ", opt.prob,
              " is not in (0, 1)");
  const std::vector<Tensor> z = prepare_latents(z_in, "block_nfa");
  std::vector<Tensor> up;
  int64_t pixels = 0;
  for (size_t s = 0; s < z.size(); ++s) {
    const Tensor maps =
        block_log_prob_maps(z[s], block_half_width(opt.window, static_cast<int64_t>(s)), opt.prob);
    up.push_back(kernels::contiguous(
        kernels::interpolate(maps, opt.size, opt.size, InterpMode::bicubic, true)));
    pixels += z[s].size(2) * z[s].size(3);
  }
  NfaResult r;
  r.log10_tests = std::log10(static_cast<double>(pixels));
  r.score = combine_scales(up, ScaleCombine::sum, r.log10_tests);
  r.mask = nfa_mask(r.score, opt.epsilon);
  return r;
}

}  // namespace uflow::contrario
