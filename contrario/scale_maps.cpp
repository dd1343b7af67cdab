#include "contrario/scale_maps.h"

#include <exception>
#include <vector>

#include "contrario/block_log_prob.h"
#include "contrario/block_stats.h"
#include "contrario/nfa.h"
#include "contrario/nfa_backend.h"
#include "contrario/tree_log_prob.h"
#include "tensor/ops.h"

namespace uflow::contrario {
namespace {

// Trees of a batch, one image per iteration (parallel over images when there are several).
void trees_from_sums(const double* sum_sq, int64_t batch, int64_t channels, int64_t h, int64_t w,
                     bool guard, float* out) {
  const int64_t hw = h * w;
  std::exception_ptr error;
#pragma omp parallel for schedule(dynamic) if (batch > 1)
  for (int64_t b = 0; b < batch; ++b) {
    try {
      tree_log_prob_map({sum_sq + b * hw, static_cast<size_t>(hw)}, h, w, channels, guard,
                        {out + b * hw, static_cast<size_t>(hw)});
    } catch (...) {
#pragma omp critical
      if (!error) error = std::current_exception();
    }
  }
  if (error) std::rethrow_exception(error);
}

}  // namespace

Tensor tree_log_prob_maps(const Tensor& z_in, bool guard) {
  const Tensor z = prepare_latents({z_in}, "tree_log_prob_maps")[0];
  const int64_t batch = z.size(0), channels = z.size(1), h = z.size(2), w = z.size(3);
  // Σ_c z² on the latents' device; the trees are built on the host.
  Tensor sums = Tensor::empty({batch, h, w}, DType::f64, z.device());
  nfa_backend(z.device()).sum_of_squares(z, sums);
  sums = kernels::to_device(sums, Device::cpu);
  Tensor maps = Tensor::empty({batch, 1, h, w}, DType::f32, Device::cpu);
  trees_from_sums(sums.data<double>(), batch, channels, h, w, guard, maps.data<float>());
  return kernels::to_device(maps, z.device());
}

Tensor block_log_prob_maps(const Tensor& z_in, int64_t half_width, double prob) {
  const Tensor z = prepare_latents({z_in}, "block_log_prob_maps")[0];
  const int64_t batch = z.size(0), h = z.size(2), w = z.size(3);
  UFLOW_CHECK(half_width >= 1 && half_width < h && half_width < w, "block NFA: window half-width ",
              half_width, " needs maps larger than that, got ", describe(z));
  const int64_t side = 2 * half_width + 1;
  const std::vector<double> table = binomial_tail_log10_table(side * side, 1.0 - prob);
  const float tau = static_cast<float>(chi2_1_quantile(prob));
  Tensor maps = Tensor::empty({batch, 1, h, w}, DType::f32, z.device());
  nfa_backend(z.device()).block_log_prob_maps(z, half_width, tau, table, maps);
  return maps;
}

}  // namespace uflow::contrario
