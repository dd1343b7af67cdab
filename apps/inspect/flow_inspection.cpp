#include "apps/inspect/flow_inspection.h"

#include <algorithm>
#include <cmath>

#include "contrario/block_stats.h"
#include "metrics/connected_components.h"

namespace uflow::app {
namespace {

double normal_cdf(double x) {
  return 0.5 * std::erfc(-x / std::sqrt(2.0));
}

// Streams one scale's latents: per-channel moments and the ±3σ count over every value, plus an
// evenly strided sample (every `stride`-th value) for the KS distance and the QQ plot.
class LatentAccumulator {
 public:
  LatentAccumulator(const Shape& chw, int64_t total_values, int64_t sample_values)
      : shape_(chw),
        sum_(chw[0], 0.0),
        sum_sq_(chw[0], 0.0),
        stride_(std::max<int64_t>(1, total_values / std::max<int64_t>(1, sample_values))) {}

  void add(const Tensor& z) {  // (B, C, H, W)
    const std::vector<float> v = kernels::to_device(z, Device::cpu).to_floats();
    const int64_t c = shape_[0], hw = shape_[1] * shape_[2];
    for (size_t i = 0; i < v.size(); ++i, ++seen_) {
      const double x = v[i];
      const auto ch = static_cast<size_t>((static_cast<int64_t>(i) / hw) % c);
      sum_[ch] += x;
      sum_sq_[ch] += x * x;
      beyond_ += std::fabs(x) > 3.0;
      if (seen_ % stride_ == 0) sample_.push_back(x);
    }
  }

  LatentStats finish() {
    LatentStats r;
    r.shape = shape_;
    const double per_channel = static_cast<double>(seen_) / static_cast<double>(shape_[0]);
    for (size_t ch = 0; ch < sum_.size(); ++ch) {
      const double m = sum_[ch] / per_channel;
      r.channel_mean.push_back(m);
      r.channel_var.push_back(std::max(0.0, sum_sq_[ch] / per_channel - m * m));
    }
    r.beyond_3_sigma =
        static_cast<double>(beyond_) / static_cast<double>(std::max<int64_t>(1, seen_));
    std::sort(sample_.begin(), sample_.end());
    r.ks_values = static_cast<int64_t>(sample_.size());
    r.ks_distance = ks_distance_normal(sample_);
    const int points = 199;  // quantiles at p = (k + ½) / 199: tails down to p = 0.0025
    for (int k = 0; k < points && !sample_.empty(); ++k) {
      const double p = (k + 0.5) / points;
      r.qq_normal.push_back(normal_quantile(p));
      r.qq_latent.push_back(sample_[static_cast<size_t>(p * static_cast<double>(sample_.size()))]);
    }
    return r;
  }

 private:
  Shape shape_;
  std::vector<double> sum_, sum_sq_, sample_;
  int64_t stride_, seen_ = 0, beyond_ = 0;
};

double max_abs_difference(const std::vector<Tensor>& a, const std::vector<Tensor>& b) {
  double m = 0;
  for (size_t s = 0; s < a.size(); ++s)
    m = std::max(
        m, kernels::reduce(ReduceOp::max,
                           kernels::unary(UnaryOp::abs, kernels::binary(BinaryOp::sub, a[s], b[s])),
                           {})
               .item());
  return m;
}

std::vector<int64_t> rows(int64_t start, int64_t end) {
  std::vector<int64_t> r;
  for (int64_t i = start; i < end; ++i) r.push_back(i);
  return r;
}

void mean_and_std(const std::vector<double>& v, double& mean, double& std) {
  mean = 0;
  for (double x : v) mean += x / static_cast<double>(v.size());
  double var = 0;
  for (double x : v) var += (x - mean) * (x - mean) / static_cast<double>(v.size());
  std = std::sqrt(var);
}

}  // namespace

double normal_quantile(double p) {
  UFLOW_CHECK(p > 0 && p < 1, "normal_quantile: p = ", p, " is outside (0, 1)");
  if (p == 0.5) return 0.0;
  // |Z| ≤ q with probability |2p − 1| exactly when Z² ≤ q², a χ²₁ quantile.
  const double q = std::sqrt(contrario::chi2_1_quantile(std::fabs(2.0 * p - 1.0)));
  return p < 0.5 ? -q : q;
}

double ks_distance_normal(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const double n = static_cast<double>(values.size());
  double d = 0;
  for (size_t i = 0; i < values.size(); ++i) {
    const double f = normal_cdf(values[i]);
    d = std::max({d, std::fabs(static_cast<double>(i + 1) / n - f),
                  std::fabs(static_cast<double>(i) / n - f)});
  }
  return d;
}

int64_t count_detections(std::span<const float> score, int64_t side, double threshold) {
  std::vector<uint8_t> mask(score.size());
  for (size_t i = 0; i < score.size(); ++i) mask[i] = score[i] > threshold;  // NaN: false
  std::vector<uint32_t> labels(score.size());
  return metrics::label_components_8(mask, static_cast<size_t>(side), static_cast<size_t>(side),
                                     labels);
}

Inspection inspect_flow(UFlow& flow, const FeatureSet& features, const InspectOptions& opt) {
  NoGradGuard no_grad;
  UFLOW_CHECK(opt.batch >= 1, "inspect: batch must be at least 1");
  const int64_t n = features.count();
  UFLOW_CHECK(n >= 1, "inspect: no inputs");
  Inspection r;
  r.images = n;
  const size_t scales = flow.config().features.size();
  for (size_t s = scales; s-- > 0;)
    for (size_t j = 0; j < flow.blocks(s).size(); ++j) {
      const AllInOneBlock& block = *flow.blocks(s)[j];
      BlockSummary b;
      b.scale = static_cast<int64_t>(s);
      b.index = static_cast<int64_t>(j);
      b.kernel = block.config().kernel;
      b.channels = block.config().channels;
      b.parameters = block.parameter_count();
      b.permutation = block.permutation();
      r.blocks.push_back(std::move(b));
    }

  std::vector<LatentAccumulator> latents;
  for (const Shape& chw : flow.latent_shapes())
    latents.emplace_back(chw, n * shape_numel(chw), opt.sample_values);

  for (int64_t k = -6; k <= 3; ++k) r.calibration.epsilon.push_back(std::pow(10.0, k));
  const size_t eps_count = r.calibration.epsilon.size();
  r.calibration.tree.assign(eps_count, 0.0);
  r.calibration.tree_guard.assign(eps_count, 0.0);
  r.calibration.block.assign(eps_count, 0.0);
  contrario::NfaSettings tree = opt.nfa, tree_guard = opt.nfa, block = opt.nfa;
  tree.method = tree_guard.method = contrario::NfaMethod::tree;
  tree.guard = false;
  tree_guard.guard = true;
  block.method = contrario::NfaMethod::block;

  for (int64_t start = 0; start < n; start += opt.batch) {
    const std::vector<Tensor> x =
        features.batch(rows(start, std::min(n, start + opt.batch)), opt.device);
    const UFlowOut out = flow.forward(x);
    for (size_t k = 0; k < out.block_log_det.size(); ++k)
      for (double v : kernels::to_device(out.block_log_det[k], Device::cpu).to_vector())
        r.blocks[k].log_det.push_back(v);
    for (double v : kernels::to_device(out.log_det, Device::cpu).to_vector())
      r.log_det.push_back(v);
    for (size_t s = 0; s < out.z.size(); ++s) latents[s].add(out.z[s]);
    // The inverse gives back what the blocks saw: the features after the flow's feature
    // LayerNorms, when it has them (the ResNet extractors).
    const std::vector<Tensor> seen = flow.normalize(x);
    r.inverse_error_f32 =
        std::max(r.inverse_error_f32, max_abs_difference(flow.inverse(out.z).z, seen));
    for (const Tensor& f : seen)
      r.feature_max_abs =
          std::max(r.feature_max_abs,
                   kernels::reduce(ReduceOp::max, kernels::unary(UnaryOp::abs, f), {}).item());

    for (auto [settings, counts] :
         {std::pair{&tree, &r.calibration.tree}, std::pair{&tree_guard, &r.calibration.tree_guard},
          std::pair{&block, &r.calibration.block}}) {
      const Tensor score =
          kernels::to_device(contrario::run_nfa(out.z, *settings).score, Device::cpu);
      const std::vector<float> values = score.to_floats();
      const int64_t side = score.size(-1), plane = side * side;
      for (int64_t b = 0; b < score.size(0); ++b)
        for (size_t e = 0; e < eps_count; ++e)
          (*counts)[e] += static_cast<double>(
              count_detections(std::span<const float>(values).subspan(
                                   static_cast<size_t>(b * plane), static_cast<size_t>(plane)),
                               side, -std::log10(r.calibration.epsilon[e])));
    }
  }
  for (size_t e = 0; e < eps_count; ++e) {
    r.calibration.tree[e] /= static_cast<double>(n);
    r.calibration.tree_guard[e] /= static_cast<double>(n);
    r.calibration.block[e] /= static_cast<double>(n);
  }
  for (BlockSummary& b : r.blocks) mean_and_std(b.log_det, b.log_det_mean, b.log_det_std);
  for (LatentAccumulator& acc : latents) r.latents.push_back(acc.finish());

  // The same round trip in float64: what is left is the flow's own conditioning, not rounding.
  flow.to(DType::f64);
  for (int64_t start = 0; start < n; start += opt.batch) {
    std::vector<Tensor> x = features.batch(rows(start, std::min(n, start + opt.batch)), opt.device);
    for (Tensor& t : x) t = kernels::to_dtype(t, DType::f64);
    r.inverse_error_f64 =
        std::max(r.inverse_error_f64,
                 max_abs_difference(flow.inverse(flow.forward(x).z).z, flow.normalize(x)));
  }
  flow.to(DType::f32);
  return r;
}

}  // namespace uflow::app
