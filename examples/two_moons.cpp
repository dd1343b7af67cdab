// Example 1: the classic first normalizing flow, a 2-D RealNVP trained on "two moons".
//
// A flow f maps a data point x ∈ R² to z = f(x) and is trained so that z looks like N(0, I).
// By the change of variables, log p(x) = log N(f(x); 0, I) + log|det ∂f/∂x|, so maximising the
// likelihood only needs f and its log-determinant. Here f is a stack of affine couplings, the
// same construction as U-Flow's blocks (docs/coupling.md §1 and §5), written out by hand with
// the library's differentiable ops so that every step is visible:
//
//   keep one coordinate, x_a;  transform the other:  x_b' = x_b · exp(s(x_a)) + t(x_a)
//   log|det| = s(x_a)          (the Jacobian is triangular)
//
// s and t come from a small MLP; autograd differentiates everything. After training, the program
// writes the learned density and samples drawn from it (z ~ N(0, I) mapped back through f⁻¹) as
// PNG images.
//
//   two_moons [--steps N] [--out DIR]      (defaults: 1500 steps, current folder)
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <numbers>
#include <string>
#include <vector>

#include "autograd/ops.h"
#include "imaging/colormap.h"
#include "imaging/image_io.h"
#include "layers/adam.h"
#include "layers/linear.h"

using namespace uflow;

namespace {

// n points of the two interleaving half circles, with Gaussian noise of 0.06, centred.
Tensor two_moons(int64_t n, Generator& gen) {
  const std::vector<double> angle = gen.uniform({n}, 0.0, std::numbers::pi).to_vector();
  const std::vector<double> noise = gen.normal({n, 2}, 0.0, 0.06).to_vector();
  std::vector<float> xy(2 * n);
  for (int64_t i = 0; i < n; ++i) {
    const bool lower = i % 2 == 1;  // the second moon is the first one flipped and shifted
    const double x = lower ? 1.0 - std::cos(angle[i]) : std::cos(angle[i]);
    const double y = lower ? 0.5 - std::sin(angle[i]) : std::sin(angle[i]);
    xy[2 * i] = static_cast<float>(x - 0.5 + noise[2 * i]);
    xy[2 * i + 1] = static_cast<float>(y - 0.25 + noise[2 * i + 1]);
  }
  Tensor out = Tensor::empty({n, 2});
  std::copy(xy.begin(), xy.end(), out.data<float>());
  return out;
}

// One affine coupling: coordinate `keep` conditions the other one.
class Coupling : public Module {
 public:
  Coupling(int64_t keep, Generator& gen) : keep_(keep) {
    fc1_ = register_module("fc1", std::make_shared<Linear>(1, 64, true, gen));
    fc2_ = register_module("fc2", std::make_shared<Linear>(64, 64, true, gen));
    fc3_ = register_module("fc3", std::make_shared<Linear>(64, 2, true, gen));
  }

  // Returns y and adds this coupling's log|det| (B,) to log_det.
  Tensor forward(const Tensor& x, Tensor& log_det) const {
    auto [s, t] = scale_shift(narrow(x, 1, keep_, 1));
    Tensor x_b = narrow(x, 1, 1 - keep_, 1);
    Tensor y_b = x_b * exp(s) + t;
    log_det = log_det + sum(s, {1});
    return assemble(narrow(x, 1, keep_, 1), y_b);
  }

  // The exact inverse: the kept coordinate is unchanged, so s and t can be recomputed.
  Tensor inverse(const Tensor& y) const {
    auto [s, t] = scale_shift(narrow(y, 1, keep_, 1));
    Tensor x_b = (narrow(y, 1, 1 - keep_, 1) - t) * exp(-s);
    return assemble(narrow(y, 1, keep_, 1), x_b);
  }

 private:
  // s is soft-clamped to (−2, 2) with a tanh and both outputs start small (factor 0.1), as in
  // U-Flow's blocks (docs/coupling.md §2): each coupling starts near the identity.
  std::pair<Tensor, Tensor> scale_shift(const Tensor& x_a) const {
    Tensor h = fc3_->forward(relu(fc2_->forward(relu(fc1_->forward(x_a))))) * 0.1;
    return {tanh(narrow(h, 1, 0, 1)) * 2.0, narrow(h, 1, 1, 1)};
  }
  Tensor assemble(const Tensor& kept, const Tensor& other) const {
    return keep_ == 0 ? cat({kept, other}, 1) : cat({other, kept}, 1);
  }

  int64_t keep_;
  std::shared_ptr<Linear> fc1_, fc2_, fc3_;
};

class RealNvp : public Module {
 public:
  RealNvp(int64_t layers, Generator& gen) {
    for (int64_t k = 0; k < layers; ++k)  // alternate the kept coordinate
      couplings_.push_back(
          register_module(std::to_string(k), std::make_shared<Coupling>(k % 2, gen)));
  }
  // z = f(x) and log|det ∂f/∂x| per point: the log-determinants of the couplings add up
  // (docs/coupling.md §5).
  std::pair<Tensor, Tensor> forward(const Tensor& x) const {
    Tensor log_det = kernels::zeros({x.size(0)});
    Tensor z = x;
    for (const auto& c : couplings_) z = c->forward(z, log_det);
    return {z, log_det};
  }
  // log p(x) per point: the standard normal log-density of z plus the log-determinant.
  Tensor log_prob(const Tensor& x) const {
    auto [z, log_det] = forward(x);
    return sum(square(z), {1}) * -0.5 - std::log(2.0 * std::numbers::pi) + log_det;
  }
  Tensor inverse(const Tensor& z) const {
    Tensor x = z;
    for (auto it = couplings_.rbegin(); it != couplings_.rend(); ++it) x = (*it)->inverse(x);
    return x;
  }

 private:
  std::vector<std::shared_ptr<Coupling>> couplings_;
};

// The plotting window, in data coordinates.
constexpr double kX0 = -2.0, kX1 = 2.0, kY0 = -1.5, kY1 = 1.5;

void write_density(const RealNvp& flow, int64_t side, const std::string& path) {
  NoGradGuard no_grad;
  Tensor grid = Tensor::empty({side * side, 2});
  float* g = grid.data<float>();
  for (int64_t r = 0; r < side; ++r)
    for (int64_t c = 0; c < side; ++c) {
      g[2 * (r * side + c)] = static_cast<float>(kX0 + (kX1 - kX0) * (c + 0.5) / side);
      g[2 * (r * side + c) + 1] = static_cast<float>(kY1 - (kY1 - kY0) * (r + 0.5) / side);
    }
  Tensor density = reshape(exp(flow.log_prob(grid)), {side, side});
  const double peak = max(density).item();
  save_png(path, colormap_jet(density, 0.0, peak));
}

void write_points(const Tensor& points, const Tensor& data, int64_t side, const std::string& path) {
  Tensor img = kernels::ones({3, side, side});
  float* p = img.data<float>();
  auto plot = [&](const Tensor& xy, float r, float g, float b) {
    const std::vector<double> v = xy.to_vector();
    for (size_t i = 0; i + 1 < v.size(); i += 2) {
      const auto col = static_cast<int64_t>((v[i] - kX0) / (kX1 - kX0) * side);
      const auto row = static_cast<int64_t>((kY1 - v[i + 1]) / (kY1 - kY0) * side);
      if (col < 0 || col >= side || row < 0 || row >= side) continue;
      p[row * side + col] = r;
      p[side * side + row * side + col] = g;
      p[2 * side * side + row * side + col] = b;
    }
  };
  plot(data, 0.7f, 0.7f, 0.7f);    // training data in grey
  plot(points, 0.8f, 0.1f, 0.1f);  // samples of the flow in red
  save_png(path, img);
}

}  // namespace

int main(int argc, char** argv) {
  int64_t steps = 1500;
  std::string out = ".";
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string key = argv[i];
    if (key == "--steps") steps = std::stoll(argv[i + 1]);
    if (key == "--out") out = argv[i + 1];
  }
  std::filesystem::create_directories(out);

  Generator gen(0);
  RealNvp flow(6, gen);
  Adam adam(flow.parameters(), AdamOptions{.lr = 3e-3, .weight_decay = 0.0});
  const Tensor data = two_moons(2000, gen);

  for (int64_t step = 1; step <= steps; ++step) {
    const Tensor batch = two_moons(256, gen);  // fresh points every step: no overfitting
    const Tensor nll = -mean(flow.log_prob(batch));
    adam.zero_grad();
    backward(nll);
    adam.step();
    if (step % 250 == 0 || step == steps)
      std::printf("step %5lld   negative log-likelihood %.4f nats/point\n",
                  static_cast<long long>(step), nll.item());
  }

  // The fit on held-out points, next to the best single Gaussian (which cannot bend around the
  // moons): NLL = ½·log det(2πe·Σ) with Σ the points' covariance.
  NoGradGuard no_grad;
  const double test_nll = -mean(flow.log_prob(data)).item();
  const std::vector<double> v = data.to_vector();
  double mx = 0, my = 0, sxx = 0, syy = 0, sxy = 0;
  const double n = static_cast<double>(data.size(0));
  for (size_t i = 0; i < v.size(); i += 2) mx += v[i] / n, my += v[i + 1] / n;
  for (size_t i = 0; i < v.size(); i += 2) {
    sxx += (v[i] - mx) * (v[i] - mx) / n;
    syy += (v[i + 1] - my) * (v[i + 1] - my) / n;
    sxy += (v[i] - mx) * (v[i + 1] - my) / n;
  }
  const double gaussian_nll = 0.5 * std::log(std::pow(2.0 * std::numbers::pi * std::numbers::e, 2) *
                                             (sxx * syy - sxy * sxy));
  std::printf("held-out negative log-likelihood: flow %.4f, best Gaussian %.4f nats/point\n",
              test_nll, gaussian_nll);

  // Invertibility: x -> z -> x comes back to float rounding.
  const Tensor back = flow.inverse(flow.forward(data).first);
  const double roundtrip = max(abs(back - data)).item();
  std::printf("max |f^-1(f(x)) - x| = %.3g\n", roundtrip);

  write_density(flow, 256, out + "/two_moons_density.png");
  write_points(flow.inverse(gen.normal({2000, 2}, 0.0, 1.0)), data, 256,
               out + "/two_moons_samples.png");
  std::printf("wrote %s/two_moons_density.png and %s/two_moons_samples.png\n", out.c_str(),
              out.c_str());
  return std::isfinite(test_nll) && roundtrip < 1e-4 ? 0 : 1;
}
