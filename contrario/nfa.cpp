#include "contrario/nfa.h"

#include "contrario/latent_range.h"
#include "contrario/nfa_backend.h"
#include "tensor/ops.h"

namespace uflow::contrario {

Tensor combine_scales(const std::vector<Tensor>& maps, ScaleCombine how, double log10_tests) {
  UFLOW_CHECK(!maps.empty(), "combine_scales: no maps");
  for (const Tensor& m : maps) {
    UFLOW_CHECK(m.shape() == maps[0].shape() && m.dtype() == DType::f32 && m.is_contiguous() &&
                    m.device() == maps[0].device(),
                "combine_scales: maps must be contiguous f32 of one shape and device, got ",
                describe(m), " and ", describe(maps[0]));
  }
  Tensor score = Tensor::empty(maps[0].shape(), DType::f32, maps[0].device());
  nfa_backend(score.device()).combine_scales(maps, how, log10_tests, score);
  return score;
}

Tensor nfa_mask(const Tensor& score, double epsilon) {
  const Tensor s = kernels::contiguous(kernels::to_dtype(score, DType::f32));
  Tensor mask = Tensor::empty(s.shape(), DType::f32, s.device());
  nfa_backend(s.device()).threshold(s, epsilon, mask);
  return mask;
}

std::vector<Tensor> prepare_latents(const std::vector<Tensor>& z, const char* caller) {
  UFLOW_CHECK(!z.empty(), caller, ": no latents");
  std::vector<Tensor> out;
  for (size_t s = 0; s < z.size(); ++s) {
    const Tensor& t = z[s];
    UFLOW_CHECK(t.defined() && t.dim() == 4, caller, ": latent ", s, " must be (B, C, H, W), got ",
                t.defined() ? describe(t) : "undefined");
    UFLOW_CHECK(t.size(0) == z[0].size(0) && t.device() == z[0].device(), caller, ": latent ", s,
                " is ", describe(t), " but latent 0 is ", describe(z[0]));
    UFLOW_CHECK(t.size(1) > 0 && t.size(2) > 0 && t.size(3) > 0, caller, ": latent ", s,
                " is empty: ", describe(t));
    out.push_back(kernels::contiguous(kernels::to_dtype(t, DType::f32)));
    const std::string problem = latent_range_problem(out.back());
    UFLOW_CHECK(problem.empty(), caller, ": latent ", s, " ", problem);
  }
  return out;
}

}  // namespace uflow::contrario
