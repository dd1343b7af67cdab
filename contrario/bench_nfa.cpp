#include "contrario/bench_nfa.h"

#include <omp.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <vector>

#include "contrario/block_log_prob.h"
#include "contrario/block_nfa.h"
#include "contrario/tree_nfa.h"
#include "tensor/cuda/runtime.h"
#include "tensor/ops.h"

namespace uflow::contrario {
namespace {

// Median wall time in ms of fn over `repeats` calls, after one untimed call.
double median_ms(int repeats, const std::function<void()>& fn, bool sync) {
  fn();
  if (sync) cuda::synchronize();
  std::vector<double> ms;
  for (int i = 0; i < repeats; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    fn();
    if (sync) cuda::synchronize();
    ms.push_back(
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  }
  std::nth_element(ms.begin(), ms.begin() + ms.size() / 2, ms.end());
  return ms[ms.size() / 2];
}

// Sets the OpenMP thread count for a scope (0 leaves it alone).
class ThreadScope {
 public:
  explicit ThreadScope(int threads) : saved_(omp_get_max_threads()), set_(threads > 0) {
    if (set_) omp_set_num_threads(threads);
  }
  ~ThreadScope() {
    if (set_) omp_set_num_threads(saved_);
  }

 private:
  int saved_;
  bool set_;
};

int64_t count_detected(const Tensor& mask) {
  int64_t n = 0;
  for (const float v : mask.to_floats()) n += v > 0.5f;
  return n;
}

}  // namespace

NfaBenchResult run_nfa_bench(const NfaBenchOptions& opt) {
  UFLOW_CHECK(opt.batch >= 1 && opt.repeats >= 1 && opt.size >= 1,
              "run_nfa_bench: batch, repeats and size must be positive");
  UFLOW_CHECK(opt.device == Device::cpu || cuda::available(),
              "run_nfa_bench: CUDA asked for but no GPU is available");
  const std::vector<Tensor> z = {
      kernels::rand_normal({opt.batch, 816, 28, 28}, opt.seed, 0, 0.0, 1.0, DType::f32, opt.device),
      kernels::rand_normal({opt.batch, 192, 14, 14}, opt.seed, uint64_t{1} << 32, 0.0, 1.0,
                           DType::f32, opt.device)};
  const bool sync = opt.device == Device::cuda;
  const ThreadScope threads(opt.threads);

  NfaBenchResult r;
  TreeNfaOptions tree_opt;
  tree_opt.size = opt.size;
  BlockNfaOptions block_opt;
  block_opt.size = opt.size;
  NfaResult tree_out, block_out;
  const double per_image = 1.0 / static_cast<double>(opt.batch);
  r.tree_ms = per_image * median_ms(
                              opt.repeats, [&] { tree_out = tree_nfa(z, tree_opt); }, sync);
  r.block_ms = per_image * median_ms(
                               opt.repeats, [&] { block_out = block_nfa(z, block_opt); }, sync);
  r.tree_maps_ms = per_image * median_ms(
                                   opt.repeats,
                                   [&] {
                                     for (const Tensor& zs : z) tree_log_prob_maps(zs, false);
                                   },
                                   sync);
  r.block_maps_ms =
      per_image *
      median_ms(
          opt.repeats,
          [&] {
            for (size_t s = 0; s < z.size(); ++s)
              block_log_prob_maps(z[s], block_half_width(block_opt.window, static_cast<int64_t>(s)),
                                  block_opt.prob);
          },
          sync);
  r.tree_detected = count_detected(tree_out.mask);
  r.block_detected = count_detected(block_out.mask);
  return r;
}

}  // namespace uflow::contrario
