#include "contrario/tree_nfa.h"

#include "contrario/number_of_tests.h"
#include "tensor/ops.h"

namespace uflow::contrario {

NfaResult tree_nfa(const std::vector<Tensor>& z_in, const TreeNfaOptions& opt) {
  UFLOW_CHECK(opt.size > 0, "tree_nfa: output size ", opt.size);
  const std::vector<Tensor> z = prepare_latents(z_in, "tree_nfa");
  std::vector<Tensor> up;
  std::vector<int64_t> pixels;
  for (const Tensor& zs : z) {
    const Tensor maps = tree_log_prob_maps(zs, opt.guard);
    up.push_back(kernels::contiguous(
        kernels::interpolate(maps, opt.size, opt.size, InterpMode::bilinear, false)));
    pixels.push_back(zs.size(2) * zs.size(3));
  }
  NfaResult r;
  r.log10_tests = log10_number_of_tests(pixels);
  r.score = combine_scales(up, ScaleCombine::min, r.log10_tests);
  r.mask = nfa_mask(r.score, opt.epsilon);
  return r;
}

}  // namespace uflow::contrario
