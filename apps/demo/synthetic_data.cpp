#include "apps/demo/synthetic_data.h"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <vector>

#include "imaging/image_io.h"
#include "tensor/tensor.h"

namespace fs = std::filesystem;

namespace uflow::app {
namespace {

constexpr double kPi = 3.14159265358979323846;

// SplitMix64: a tiny portable generator, so the data is the same on every platform.
struct Rng {
  uint64_t s;
  uint64_t next() {
    uint64_t z = (s += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  double uniform(double lo = 0, double hi = 1) {
    return lo + (hi - lo) * static_cast<double>(next() >> 11) * 0x1.0p-53;
  }
};

struct Image {
  int64_t n;
  std::vector<float> rgb;   // 3 planes
  std::vector<float> mask;  // 1 plane
  explicit Image(int64_t size) : n(size), rgb(3 * size * size), mask(size * size, 0.f) {}
  float& at(int c, int64_t y, int64_t x) { return rgb[(c * n + y) * n + x]; }
};

// Smooth value noise on a coarse lattice, bilinearly interpolated.
std::vector<float> smooth_noise(Rng& rng, int64_t n, int64_t cells) {
  std::vector<double> lattice((cells + 1) * (cells + 1));
  for (double& v : lattice) v = rng.uniform(-1, 1);
  std::vector<float> out(n * n);
  for (int64_t y = 0; y < n; ++y)
    for (int64_t x = 0; x < n; ++x) {
      const double fy = double(y) / n * cells, fx = double(x) / n * cells;
      const int64_t iy = int64_t(fy), ix = int64_t(fx);
      const double ty = fy - iy, tx = fx - ix;
      auto L = [&](int64_t a, int64_t b) { return lattice[a * (cells + 1) + b]; };
      out[y * n + x] = float((1 - ty) * ((1 - tx) * L(iy, ix) + tx * L(iy, ix + 1)) +
                             ty * ((1 - tx) * L(iy + 1, ix) + tx * L(iy + 1, ix + 1)));
    }
  return out;
}

Image normal_texture(Rng& rng, int64_t n) {
  Image img(n);
  const double th1 = 0.35 + rng.uniform(-0.05, 0.05), th2 = th1 + kPi / 2;
  const double f1 = 9.0 / n * rng.uniform(0.97, 1.03), f2 = 14.0 / n * rng.uniform(0.97, 1.03);
  const double p1 = rng.uniform(0, 2 * kPi), p2 = rng.uniform(0, 2 * kPi);
  const std::vector<float> noise = smooth_noise(rng, n, 8);
  const float a[3] = {0.55f, 0.42f, 0.30f}, b[3] = {0.82f, 0.74f, 0.58f};
  for (int64_t y = 0; y < n; ++y)
    for (int64_t x = 0; x < n; ++x) {
      const double u = x * std::cos(th1) + y * std::sin(th1);
      const double w = x * std::cos(th2) + y * std::sin(th2);
      double v = 0.5 + 0.22 * std::sin(2 * kPi * f1 * u + p1) +
                 0.14 * std::sin(2 * kPi * f2 * w + p2) + 0.08 * noise[y * n + x] +
                 rng.uniform(-0.03, 0.03);
      v = std::fmin(1.0, std::fmax(0.0, v));
      for (int c = 0; c < 3; ++c) img.at(c, y, x) = float(a[c] + (b[c] - a[c]) * v);
    }
  return img;
}

void add_scratch(Rng& rng, Image& img) {
  const int64_t n = img.n;
  const double x0 = rng.uniform(0.2, 0.8) * n, y0 = rng.uniform(0.2, 0.8) * n;
  const double ang = rng.uniform(0, kPi), len = rng.uniform(0.15, 0.4) * n;
  const double x1 = x0 + len * std::cos(ang), y1 = y0 + len * std::sin(ang);
  const double half = rng.uniform(1.2, 2.5);
  const float shade = rng.uniform() < 0.5 ? 0.12f : 0.95f;
  for (int64_t y = 0; y < n; ++y)
    for (int64_t x = 0; x < n; ++x) {
      const double dx = x1 - x0, dy = y1 - y0;
      const double t =
          std::fmax(0, std::fmin(1, ((x - x0) * dx + (y - y0) * dy) / (dx * dx + dy * dy)));
      const double d = std::hypot(x - (x0 + t * dx), y - (y0 + t * dy));
      if (d > half) continue;
      for (int c = 0; c < 3; ++c) img.at(c, y, x) = shade;
      img.mask[y * n + x] = 1.f;
    }
}

void add_blob(Rng& rng, Image& img) {
  const int64_t n = img.n;
  const double cx = rng.uniform(0.2, 0.8) * n, cy = rng.uniform(0.2, 0.8) * n;
  const double rx = rng.uniform(0.04, 0.1) * n, ry = rng.uniform(0.04, 0.1) * n;
  const double ang = rng.uniform(0, kPi), freq = rng.uniform(0.3, 0.6);
  for (int64_t y = 0; y < n; ++y)
    for (int64_t x = 0; x < n; ++x) {
      const double u = ((x - cx) * std::cos(ang) + (y - cy) * std::sin(ang)) / rx;
      const double v = (-(x - cx) * std::sin(ang) + (y - cy) * std::cos(ang)) / ry;
      if (u * u + v * v > 1) continue;
      // A foreign, finer pattern in a darker tone.
      const float t = float(0.5 + 0.5 * std::sin(freq * (x + y)));
      const float tone[3] = {0.25f, 0.22f, 0.20f};
      for (int c = 0; c < 3; ++c) img.at(c, y, x) = tone[c] + 0.25f * t;
      img.mask[y * n + x] = 1.f;
    }
}

void add_color_spot(Rng& rng, Image& img) {
  const int64_t n = img.n;
  const double cx = rng.uniform(0.15, 0.85) * n, cy = rng.uniform(0.15, 0.85) * n;
  const double r = rng.uniform(0.03, 0.07) * n;
  const float colors[3][3] = {{0.85f, 0.15f, 0.12f}, {0.15f, 0.55f, 0.85f}, {0.20f, 0.75f, 0.25f}};
  const float* col = colors[rng.next() % 3];
  for (int64_t y = 0; y < n; ++y)
    for (int64_t x = 0; x < n; ++x) {
      const double d = std::hypot(x - cx, y - cy) / r;
      const double alpha = std::exp(-d * d * 1.4);
      if (alpha < 0.02) continue;
      for (int c = 0; c < 3; ++c)
        img.at(c, y, x) = float((1 - alpha) * img.at(c, y, x) + alpha * col[c]);
      if (alpha > 0.5) img.mask[y * n + x] = 1.f;
    }
}

void save(const Image& img, const fs::path& path) {
  fs::create_directories(path.parent_path());
  save_png(path.string(), Tensor::from_floats(img.rgb, {3, img.n, img.n}));
}

void save_mask(const Image& img, const fs::path& path) {
  fs::create_directories(path.parent_path());
  save_png(path.string(), Tensor::from_floats(img.mask, {1, img.n, img.n}));
}

std::string stem(int64_t i) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "%03lld", static_cast<long long>(i));
  return buf;
}

}  // namespace

void write_synthetic_category(const std::string& root_dir, const SyntheticSpec& spec) {
  const fs::path root(root_dir);
  Rng rng{spec.seed};
  for (int64_t i = 0; i < spec.train; ++i)
    save(normal_texture(rng, spec.size), root / "train" / "good" / (stem(i) + ".png"));
  for (int64_t i = 0; i < spec.test_good; ++i)
    save(normal_texture(rng, spec.size), root / "test" / "good" / (stem(i) + ".png"));
  struct Defect {
    const char* name;
    void (*plant)(Rng&, Image&);
  };
  const Defect defects[] = {
      {"scratch", add_scratch}, {"blob", add_blob}, {"color_spot", add_color_spot}};
  for (const Defect& d : defects)
    for (int64_t i = 0; i < spec.test_per_defect; ++i) {
      Image img = normal_texture(rng, spec.size);
      d.plant(rng, img);
      save(img, root / "test" / d.name / (stem(i) + ".png"));
      save_mask(img, root / "ground_truth" / d.name / (stem(i) + "_mask.png"));
    }
}

}  // namespace uflow::app
