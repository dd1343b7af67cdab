// The NFA's per-pixel kernels. The arithmetic is contrario/nfa_math.h, shared with the CPU loops;
// reductions over channels run one thread per pixel in channel order, so that the sums have
// the same bits as on the CPU (the max-tree depends on their exact order).
#include "contrario/nfa_backend.h"
#include "contrario/nfa_math.h"
#include "tensor/cuda/check.h"
#include "tensor/cuda/device_buffer.h"
#include "tensor/cuda/device_tables.h"
#include "tensor/cuda/runtime.h"
#include "tensor/error.h"

namespace uflow::contrario {
namespace {

using uflow::cuda::DeviceBuffer;
using uflow::cuda::grid_for;
using uflow::cuda::stream;

constexpr int kMaxScales = 8;
struct ScalePointers {
  const float* p[kMaxScales];
};

__global__ void sum_of_squares_kernel(const float* z, int64_t batch, int64_t channels, int64_t hw,
                                      double* sum_sq) {
  const int64_t total = batch * hw;
  for (int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; i < total;
       i += (int64_t)gridDim.x * blockDim.x) {
    const int64_t b = i / hw, p = i % hw;
    const float* zp = z + b * channels * hw + p;
    double acc = 0.0;
    for (int64_t c = 0; c < channels; ++c) {
      const double v = zp[c * hw];
      acc += v * v;  // exact product, so a fused multiply-add rounds the same as mul then add
    }
    sum_sq[i] = acc;
  }
}

__global__ void count_candidates_kernel(const float* z, int64_t batch, int64_t channels, int64_t hw,
                                        float tau, int32_t* count) {
  const int64_t total = batch * hw;
  for (int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; i < total;
       i += (int64_t)gridDim.x * blockDim.x) {
    const int64_t b = i / hw, p = i % hw;
    const float* zp = z + b * channels * hw + p;
    int32_t k = 0;
    for (int64_t c = 0; c < channels; ++c) {
      const float v = zp[c * hw];
      k += __fmul_rn(v, v) >= tau ? 1 : 0;
    }
    count[i] = k;
  }
}

__global__ void window_log_prob_kernel(const int32_t* count, int64_t batch, int64_t h, int64_t w,
                                       int64_t channels, int64_t half_width, const double* table,
                                       float* out) {
  const int64_t hw = h * w, total = batch * hw;
  for (int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; i < total;
       i += (int64_t)gridDim.x * blockDim.x) {
    const int64_t b = i / hw, p = i % hw;
    const int64_t k = window_sum(count + b * hw, h, w, p / w, p % w, half_width);
    out[i] = window_log_prob(k, channels, table);
  }
}

__global__ void combine_kernel(ScalePointers maps, int num_scales, int64_t n, bool use_min,
                               double log10_tests, float* score) {
  for (int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; i < n;
       i += (int64_t)gridDim.x * blockDim.x) {
    float acc = maps.p[0][i];
    for (int s = 1; s < num_scales; ++s)
      acc = use_min ? nan_min(acc, maps.p[s][i]) : __fadd_rn(acc, maps.p[s][i]);
    score[i] = nfa_score(acc, log10_tests);
  }
}

__global__ void threshold_kernel(const float* score, int64_t n, double epsilon, float* mask) {
  for (int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; i < n;
       i += (int64_t)gridDim.x * blockDim.x)
    mask[i] = nfa_detect(score[i], epsilon);
}

class CudaNfaBackend final : public NfaBackend {
 public:
  void sum_of_squares(const Tensor& z, const Tensor& sum_sq) const override {
    const int64_t batch = z.size(0), channels = z.size(1), hw = z.size(2) * z.size(3);
    sum_of_squares_kernel<<<grid_for(batch * hw), 256, 0, stream()>>>(
        z.data<float>(), batch, channels, hw, sum_sq.data<double>());
    UFLOW_CUDA_CHECK_LAUNCH();
  }

  void block_log_prob_maps(const Tensor& z, int64_t half_width, float tau,
                           const std::vector<double>& table, const Tensor& maps) const override {
    const int64_t batch = z.size(0), channels = z.size(1), h = z.size(2), w = z.size(3);
    const int64_t hw = h * w;
    DeviceBuffer count(static_cast<size_t>(batch * hw) * sizeof(int32_t));
    const double* dtable = uflow::cuda::device_table(table);  // uploaded once per content
    count_candidates_kernel<<<grid_for(batch * hw), 256, 0, stream()>>>(
        z.data<float>(), batch, channels, hw, tau, count.as<int32_t>());
    UFLOW_CUDA_CHECK_LAUNCH();
    window_log_prob_kernel<<<grid_for(batch * hw), 256, 0, stream()>>>(
        count.as<int32_t>(), batch, h, w, channels, half_width, dtable, maps.data<float>());
    UFLOW_CUDA_CHECK_LAUNCH();
  }

  void combine_scales(const std::vector<Tensor>& maps, ScaleCombine how, double log10_tests,
                      const Tensor& score) const override {
    UFLOW_CHECK(!maps.empty() && maps.size() <= kMaxScales, "NFA: ", maps.size(), " scales (1 to ",
                kMaxScales, " supported on CUDA)");
    ScalePointers ptrs{};
    for (size_t s = 0; s < maps.size(); ++s) ptrs.p[s] = maps[s].data<float>();
    const int64_t n = score.numel();
    combine_kernel<<<grid_for(n), 256, 0, stream()>>>(ptrs, static_cast<int>(maps.size()), n,
                                                      how == ScaleCombine::min, log10_tests,
                                                      score.data<float>());
    UFLOW_CUDA_CHECK_LAUNCH();
  }

  void threshold(const Tensor& score, double epsilon, const Tensor& mask) const override {
    const int64_t n = score.numel();
    threshold_kernel<<<grid_for(n), 256, 0, stream()>>>(score.data<float>(), n, epsilon,
                                                        mask.data<float>());
    UFLOW_CUDA_CHECK_LAUNCH();
  }
};

}  // namespace

const NfaBackend& cuda_nfa_backend() {
  static const CudaNfaBackend instance;
  return instance;
}

}  // namespace uflow::contrario
