#include "apps/commands/visuals.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "imaging/colormap.h"
#include "tensor/ops.h"

namespace uflow::app {
namespace {

Rgb mix(const Rgb& a, const Rgb& b, double t) {
  return {float(a[0] + (b[0] - a[0]) * t), float(a[1] + (b[1] - a[1]) * t),
          float(a[2] + (b[2] - a[2]) * t)};
}

// Piecewise-linear colour ramp through `stops` for t in [0, 1].
Rgb ramp(const std::vector<Rgb>& stops, double t) {
  t = std::clamp(t, 0.0, 1.0) * double(stops.size() - 1);
  const size_t k = std::min(stops.size() - 2, size_t(t));
  return mix(stops[k], stops[k + 1], t - double(k));
}

std::string tick_label(double v) {
  if (v == 0) return "0";
  const double a = std::abs(v);
  char buf[32];
  if (a < 1e3)
    std::snprintf(buf, sizeof buf, "%s%g", v < 0 ? "\xe2\x88\x92" : "", a);  // U+2212 minus
  else
    std::snprintf(buf, sizeof buf, "%s1e%d", v < 0 ? "\xe2\x88\x92" : "",
                  int(std::lround(std::log10(a))));
  return buf;
}

}  // namespace

double signed_log10(double v) {
  return std::copysign(std::log10(1.0 + std::abs(v)), v);
}

NfaScale nfa_scale_covering(double min_value, double max_value) {
  // Whole decades, at least [−10, 10] so that an image without detections still shows both sides.
  const auto decade = [](double a) {
    return std::pow(10.0, std::ceil(std::log10(std::max(a, 10.0))));
  };
  return {-decade(-std::min(min_value, 0.0)), decade(std::max(max_value, 0.0))};
}

Rgb nfa_colour(double v, const NfaScale& scale) {
  static const std::vector<Rgb> below{
      {0.78f, 0.87f, 1.0f}, {0.25f, 0.45f, 0.8f}, {0.03f, 0.07f, 0.3f}};
  static const std::vector<Rgb> above{
      {1.0f, 0.95f, 0.25f}, {1.0f, 0.55f, 0.0f}, {0.85f, 0.05f, 0.05f}, {0.35f, 0.0f, 0.0f}};
  if (v <= 0) return ramp(below, signed_log10(v) / signed_log10(scale.lo));
  return ramp(above, signed_log10(v) / signed_log10(scale.hi));
}

std::vector<Rgb> nfa_colour_bar(const NfaScale& scale, int samples) {
  std::vector<Rgb> out;
  const double a = signed_log10(scale.lo), b = signed_log10(scale.hi);
  for (int i = 0; i < samples; ++i) {
    const double s = a + (b - a) * i / double(samples - 1);
    // Back from the signed log to −log10 NFA.
    out.push_back(nfa_colour(std::copysign(std::pow(10.0, std::abs(s)) - 1.0, s), scale));
  }
  return out;
}

std::vector<std::pair<double, std::string>> nfa_ticks(const NfaScale& scale) {
  // Position along the bar: the signed log scale from lo to hi.
  const double a = signed_log10(scale.lo), b = signed_log10(scale.hi);
  const auto bar_position = [&](double v) { return (signed_log10(v) - a) / (b - a); };
  std::vector<double> values{0.0};
  for (double d = 10; d <= -scale.lo * 1.0001; d *= 10) values.insert(values.begin(), -d);
  for (double d = 10; d <= scale.hi * 1.0001; d *= 10) values.push_back(d);
  std::vector<std::pair<double, std::string>> out;
  for (double v : values) out.push_back({bar_position(v), tick_label(v)});
  return out;
}

Tensor overlay_anomaly(const Tensor& image, const Tensor& anomaly_map) {
  return blend(image, colormap_jet(anomaly_map, 0.0, 1.0), 0.5);
}

std::vector<Rgb> anomaly_colour_bar(int samples) {
  std::vector<float> t(samples);
  for (int i = 0; i < samples; ++i) t[i] = float(i) / float(samples - 1);
  const std::vector<float> c =
      colormap_jet(Tensor::from_floats(t, {1, int64_t(samples)}), 0.0, 1.0).to_floats();
  std::vector<Rgb> out;
  for (int i = 0; i < samples; ++i) out.push_back({c[i], c[samples + i], c[2 * samples + i]});
  return out;
}

Tensor render_nfa(const Tensor& neg_log_nfa, const NfaScale& scale) {
  const int64_t h = neg_log_nfa.size(-2), w = neg_log_nfa.size(-1);
  const std::vector<float> v = neg_log_nfa.to_floats();
  std::vector<float> out(3 * h * w);
  for (int64_t i = 0; i < h * w; ++i) {
    const Rgb c = nfa_colour(v[i], scale);
    for (int k = 0; k < 3; ++k) out[k * h * w + i] = c[k];
  }
  return Tensor::from_floats(out, {3, h, w});
}

Tensor overlay_mask(const Tensor& image, const Tensor& mask01) {
  const int64_t T = mask01.size(-1);
  std::vector<float> img = image.to_floats();
  const std::vector<float> m = mask01.to_floats();
  for (int64_t i = 0; i < T * T; ++i) {
    if (m[i] <= 0.5f) continue;
    img[i] = 0.5f * img[i] + 0.5f;
    img[T * T + i] *= 0.5f;
    img[2 * T * T + i] *= 0.5f;
  }
  return Tensor::from_floats(img, {3, T, T});
}

Tensor render_mask(const Tensor& mask01) {
  const int64_t T = mask01.size(-1);
  Tensor m = kernels::reshape(kernels::contiguous(mask01), {1, T, T});
  return kernels::contiguous(kernels::expand(m, {3, T, T}));
}

}  // namespace uflow::app
