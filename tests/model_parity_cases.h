// The model-level parity cases (tests/model_parity.h): each builds the same model on a device
// under test and on a reference side, runs the same inputs through both and reports every
// output and gradient. Run CUDA against CPU by tests/cuda/test_model_parity.cpp, and CPU f32
// against CPU f64 (plus a perturbed negative control) by tests/layers/test_model_parity_cases.cpp.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "flow/all_in_one_block.h"
#include "flow/loss.h"
#include "flow/u_flow.h"
#include "layers/adam.h"
#include "layers/layer_scale_block.h"
#include "layers/ms_cait.h"
#include "model_parity.h"

namespace uflow::test {

struct CaseOptions {
  double rtol = 1e-4;
  double perturb = 0;  // relative change of every parameter of the device under test
};

// Builds a module on a side: the same seed and randomised values, converted to the side.
template <typename M, typename Make>
std::shared_ptr<M> build_on(const ParitySide& side, bool dut, const CaseOptions& o, uint64_t seed,
                            const Make& make) {
  Generator gen(seed);
  std::shared_ptr<M> m = make(gen);
  randomize_parameters(*m, seed);
  if (dut && o.perturb != 0) perturb_parameters(*m, o.perturb);
  m->to(side.dtype);
  m->to(side.device);
  return m;
}

// Compares the gradients of every parameter of two copies of a module. Gradients that vanish
// in exact arithmetic (a bias before a softmax) are compared at 1% of the largest gradient's
// scale.
inline void compare_parameter_grads(ParityReport& r, const Module& dut, const Module& ref,
                                    double rtol) {
  const auto a = dut.named_parameters(), b = ref.named_parameters();
  r.expect("same parameter list", a.size() == b.size());
  double largest = 0;
  for (const auto& [name, p] : b)
    if (p.grad().defined())
      largest = std::max(
          largest,
          kernels::reduce(ReduceOp::max, kernels::unary(UnaryOp::abs, p.grad()), {}).item());
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
    r.expect("gradient of " + a[i].first + " exists",
             a[i].second.grad().defined() && b[i].second.grad().defined());
    if (a[i].second.grad().defined() && b[i].second.grad().defined())
      r.compare("grad " + a[i].first, a[i].second.grad(), b[i].second.grad(), rtol, 1e-2 * largest);
  }
}

// ---- a CaiT self-attention block with talking heads and layer scale (layers/layer_scale_block.h):
// forward without gradients (the fused attention kernel), forward with gradients (the composite
// path autograd differentiates), and the gradients of the input and of every parameter.
struct CaitBlockShape {
  int64_t batch = 2, tokens = 196, dim = 192, heads = 4;
};
inline ParityReport cait_block_case(const ParitySide& dut, const ParitySide& ref,
                                    const CaseOptions& o, const CaitBlockShape& s = {}) {
  ParityReport r;
  auto make = [&](Generator& gen) {
    return std::make_shared<LayerScaleBlock>(s.dim, s.heads, 4.0, 1e-5, 1e-6, gen);
  };
  auto bd = build_on<LayerScaleBlock>(dut, true, o, 31, make);
  auto br = build_on<LayerScaleBlock>(ref, false, o, 31, make);
  const Shape xs{s.batch, s.tokens, s.dim};
  {
    NoGradGuard no_grad;
    r.compare("forward without gradients (fused attention)", bd->forward(side_input(xs, 32, dut)),
              br->forward(side_input(xs, 32, ref)), o.rtol);
  }
  Tensor xd = side_leaf(xs, 32, dut), xr = side_leaf(xs, 32, ref);
  const Tensor yd = bd->forward(xd), yr = br->forward(xr);
  r.expect("output on the device under test", yd.device() == dut.device);
  r.compare("forward with gradients", yd, yr, o.rtol);
  backward(yd, side_input(xs, 33, dut));
  backward(yr, side_input(xs, 33, ref));
  r.compare("grad input", xd.grad(), xr.grad(), o.rtol);
  compare_parameter_grads(r, *bd, *br, o.rtol);
  return r;
}

// ---- the small MS-CaiT extractor (layers/ms_cait.h) forward: both scales' feature maps.
struct ExtractorShape {
  int64_t batch = 1, input = 448;
};
inline ParityReport extractor_case(const ParitySide& dut, const ParitySide& ref,
                                   const CaseOptions& o, const ExtractorShape& s = {}) {
  ParityReport r;
  const MsCaitConfig cfg = ms_cait_small_config(s.input, 2, 1);
  auto build = [&](const ParitySide& side, bool is_dut) {
    Generator gen(41);
    auto e = std::make_unique<MsCaitExtractor>(cfg, gen);
    for (size_t i = 0; i < e->scales(); ++i) {
      randomize_parameters(e->model(i), 41 + i);
      if (is_dut && o.perturb != 0) perturb_parameters(e->model(i), o.perturb);
      e->model(i).to(side.dtype);
    }
    e->to(side.device);
    return e;
  };
  const auto ed = build(dut, true), er = build(ref, false);
  const Shape is{s.batch, 3, s.input, s.input};
  const std::vector<Tensor> fd = ed->forward(side_input(is, 42, dut, -2.0, 2.0));
  const std::vector<Tensor> fr = er->forward(side_input(is, 42, ref, -2.0, 2.0));
  r.expect("one map per scale", fd.size() == fr.size() && fd.size() == 2);
  for (size_t i = 0; i < fd.size() && i < fr.size(); ++i)
    r.compare("features of scale " + std::to_string(i + 1), fd[i], fr[i], o.rtol);
  return r;
}

// ---- FrEIA's AllInOneBlock (flow/all_in_one_block.h): y and log|det J| forward, and the
// gradients of the input and every parameter for a random cotangent of both.
struct CouplingShape {
  int64_t batch = 2, channels = 48, size = 14, kernel = 3;
};
inline ParityReport all_in_one_case(const ParitySide& dut, const ParitySide& ref,
                                    const CaseOptions& o, const CouplingShape& s = {}) {
  ParityReport r;
  auto make = [&](Generator& gen) {
    AllInOneConfig cfg;
    cfg.channels = s.channels;
    cfg.kernel = s.kernel;
    return std::make_shared<AllInOneBlock>(cfg, gen);
  };
  auto bd = build_on<AllInOneBlock>(dut, true, o, 51, make);
  auto br = build_on<AllInOneBlock>(ref, false, o, 51, make);
  const Shape xs{s.batch, s.channels, s.size, s.size};
  Tensor xd = side_leaf(xs, 52, dut), xr = side_leaf(xs, 52, ref);
  const FlowOut od = bd->forward(xd), orf = br->forward(xr);
  r.compare("y", od.y, orf.y, o.rtol);
  r.compare("log_det", od.log_det, orf.log_det, o.rtol);
  auto objective = [&](const FlowOut& out, const ParitySide& side) {
    return sum(out.y * side_input(xs, 53, side)) +
           sum(out.log_det * side_input({s.batch}, 54, side));
  };
  backward(objective(od, dut));
  backward(objective(orf, ref));
  r.compare("grad input", xd.grad(), xr.grad(), o.rtol);
  compare_parameter_grads(r, *bd, *br, o.rtol);
  return r;
}

// ---- the U-shaped flow (flow/u_flow.h): latents, log-det and NLL loss forward, then the
// gradients of the features and of every parameter through the loss.
inline ParityReport u_flow_case(const ParitySide& dut, const ParitySide& ref, const CaseOptions& o,
                                std::vector<Shape> features = {{48, 14, 14}, {96, 7, 7}},
                                int64_t batch = 2) {
  ParityReport r;
  auto make = [&](Generator& gen) {
    UFlowConfig cfg;
    cfg.features = features;
    cfg.steps = 4;
    return std::make_shared<UFlow>(cfg, gen);
  };
  auto fd = build_on<UFlow>(dut, true, o, 61, make);
  auto fr = build_on<UFlow>(ref, false, o, 61, make);
  std::vector<Tensor> xd, xr;
  for (size_t i = 0; i < features.size(); ++i) {
    const Shape& f = features[i];
    xd.push_back(side_leaf({batch, f[0], f[1], f[2]}, 62 + i, dut));
    xr.push_back(side_leaf({batch, f[0], f[1], f[2]}, 62 + i, ref));
  }
  const UFlowOut od = fd->forward(xd), orf = fr->forward(xr);
  r.expect("one latent per scale", od.z.size() == orf.z.size());
  for (size_t i = 0; i < od.z.size() && i < orf.z.size(); ++i)
    r.compare("z" + std::to_string(i + 1), od.z[i], orf.z[i], o.rtol);
  r.compare("log_det", od.log_det, orf.log_det, o.rtol);
  const Tensor ld = nll_loss(od.z, od.log_det), lr = nll_loss(orf.z, orf.log_det);
  r.compare("loss", ld, lr, o.rtol);
  backward(ld);
  backward(lr);
  for (size_t i = 0; i < xd.size(); ++i)
    r.compare("grad features " + std::to_string(i + 1), xd[i].grad(), xr[i].grad(), o.rtol);
  compare_parameter_grads(r, *fd, *fr, o.rtol);
  return r;
}

// ---- Adam (layers/adam.h): two steps with coupled weight decay from random gradients; the
// parameters and both moment estimates after each.
inline ParityReport adam_case(const ParitySide& dut, const ParitySide& ref, const CaseOptions& o) {
  ParityReport r;
  const std::vector<Shape> shapes{{16, 8, 3, 3}, {16}, {1, 16, 1, 1}, {5, 7}};
  auto params_on = [&](const ParitySide& side, bool is_dut) {
    std::vector<Tensor> ps;
    for (size_t i = 0; i < shapes.size(); ++i) {
      Tensor p = side_input(shapes[i], 70 + i, side);
      if (is_dut && o.perturb != 0) p = kernels::affine_scalar(p, 1.0 + o.perturb, 0.0);
      ps.push_back(p);
    }
    return ps;
  };
  const std::vector<Tensor> pd = params_on(dut, true), pr = params_on(ref, false);
  AdamOptions opt;
  opt.lr = 1e-2;
  opt.weight_decay = 1e-2;
  Adam ad(pd, opt), ar(pr, opt);
  for (int step = 0; step < 2; ++step) {
    for (size_t i = 0; i < shapes.size(); ++i) {
      pd[i].set_grad(side_input(shapes[i], 80 + 10 * step + i, dut));
      pr[i].set_grad(side_input(shapes[i], 80 + 10 * step + i, ref));
    }
    ad.step();
    ar.step();
    for (size_t i = 0; i < shapes.size(); ++i) {
      const std::string at = " " + std::to_string(i) + " after step " + std::to_string(step + 1);
      r.compare("parameter" + at, pd[i], pr[i], o.rtol);
      r.compare("exp_avg" + at, ad.exp_avg()[i], ar.exp_avg()[i], o.rtol);
      r.compare("exp_avg_sq" + at, ad.exp_avg_sq()[i], ar.exp_avg_sq()[i], o.rtol);
    }
  }
  return r;
}

}  // namespace uflow::test
