// The NFA's per-pixel loops on the CPU, parallel over the images of a batch.
#include <vector>

#include "contrario/block_log_prob.h"
#include "contrario/nfa_backend.h"
#include "contrario/nfa_math.h"
#include "contrario/tree_log_prob.h"

namespace uflow::contrario {
namespace {

class CpuNfaBackend final : public NfaBackend {
 public:
  void sum_of_squares(const Tensor& z, const Tensor& sum_sq) const override {
    const int64_t batch = z.size(0), channels = z.size(1), hw = z.size(2) * z.size(3);
    const float* zp = z.data<float>();
    double* sp = sum_sq.data<double>();
#pragma omp parallel for if (batch > 1)
    for (int64_t b = 0; b < batch; ++b)
      contrario::sum_of_squares(zp + b * channels * hw, channels, hw, sp + b * hw);
  }

  void block_log_prob_maps(const Tensor& z, int64_t half_width, float tau,
                           const std::vector<double>& table, const Tensor& maps) const override {
    const int64_t batch = z.size(0), channels = z.size(1), h = z.size(2), w = z.size(3);
    const float* zp = z.data<float>();
    float* out = maps.data<float>();
#pragma omp parallel for if (batch > 1)
    for (int64_t b = 0; b < batch; ++b) {
      std::vector<int32_t> count(h * w);
      count_candidates(zp + b * channels * h * w, channels, h * w, tau, count.data());
      block_log_prob_map(count.data(), h, w, channels, half_width, table, out + b * h * w);
    }
  }

  void combine_scales(const std::vector<Tensor>& maps, ScaleCombine how, double log10_tests,
                      const Tensor& score) const override {
    const int64_t n = score.numel();
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
  }

  void threshold(const Tensor& score, double epsilon, const Tensor& mask) const override {
    const int64_t n = score.numel();
    const float* in = score.data<float>();
    float* out = mask.data<float>();
    for (int64_t i = 0; i < n; ++i) out[i] = nfa_detect(in[i], epsilon);
  }
};

}  // namespace

const NfaBackend& cpu_nfa_backend() {
  static const CpuNfaBackend instance;
  return instance;
}

}  // namespace uflow::contrario
