#include "contrario/nfa.h"

#include "contrario/nfa_math.h"
#include "tensor/ops.h"
#ifdef UFLOW_WITH_CUDA
#include "contrario/cuda/nfa_kernels.h"
#endif

namespace uflow::contrario {

Tensor combine_scales(const std::vector<Tensor>& maps, ScaleCombine how, double log10_tests) {
  UFLOW_CHECK(!maps.empty(), "combine_scales: no maps");
  for (const Tensor& m : maps) {
    UFLOW_CHECK(m.shape() == maps[0].shape() && m.dtype() == DType::f32 && m.is_contiguous() &&
                    m.device() == maps[0].device(),
                "combine_scales: maps must be contiguous f32 of one shape and device, got ",
                describe(m), " and ", describe(maps[0]));
  }
  const int64_t n = maps[0].numel();
  Tensor score = Tensor::empty(maps[0].shape(), DType::f32, maps[0].device());
  if (score.is_cuda()) {
#ifdef UFLOW_WITH_CUDA
    std::vector<const float*> ptrs;
    for (const Tensor& m : maps) ptrs.push_back(m.data<float>());
    cuda::combine_scales(ptrs, n, how == ScaleCombine::min, log10_tests, score.data<float>());
    return score;
#endif
  }
  float* out = score.data<float>();
  const float* first = maps[0].data<float>();
  for (int64_t i = 0; i < n; ++i) out[i] = first[i];
  for (size_t s = 1; s < maps.size(); ++s) {
    const float* m = maps[s].data<float>();
    if (how == ScaleCombine::min)
      for (int64_t i = 0; i < n; ++i) out[i] = nan_min(out[i], m[i]);
    else
      for (int64_t i = 0; i < n; ++i) out[i] += m[i];
  }
  for (int64_t i = 0; i < n; ++i) out[i] = nfa_score(out[i], log10_tests);
  return score;
}

Tensor nfa_mask(const Tensor& score, double epsilon) {
  const Tensor s = kernels::contiguous(kernels::to_dtype(score, DType::f32));
  Tensor mask = Tensor::empty(s.shape(), DType::f32, s.device());
  const int64_t n = s.numel();
  if (s.is_cuda()) {
#ifdef UFLOW_WITH_CUDA
    cuda::threshold(s.data<float>(), n, epsilon, mask.data<float>());
    return mask;
#endif
  }
  const float* in = s.data<float>();
  float* out = mask.data<float>();
  for (int64_t i = 0; i < n; ++i) out[i] = nfa_detect(in[i], epsilon);
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
  }
  return out;
}

}  // namespace uflow::contrario
