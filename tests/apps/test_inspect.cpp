// uflow inspect: its statistics on hand-computed cases, its measurements on a flow whose
// latents are N(0, 1) by construction (features sampled from the flow itself), and the command
// end to end on a tiny checkpoint.
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "apps/commands/inspect_command.h"
#include "apps/inspect/flow_inspection.h"
#include "apps/model/checkpoint.h"
#include "test_util.h"
#include "weights/atomic_write.h"

using namespace uflow;
namespace fs = std::filesystem;

namespace {

const test::ScratchDir& scratch() {
  static const test::ScratchDir dir("inspect");
  return dir;
}

UFlowConfig tiny_flow() {
  UFlowConfig cfg;
  cfg.features = {{8, 16, 16}, {16, 8, 8}};
  return cfg;
}

}  // namespace

TEST_CASE("KS distance and normal quantiles on hand-computed values") {
  // sup |F_n − Φ| for {−1, 0, 1}: Φ(1) − 2/3 = 1/3 − Φ(−1) (scipy.stats.kstest gives the same).
  CHECK(app::ks_distance_normal({1.0, -1.0, 0.0}) == doctest::Approx(0.1746780794018763));
  CHECK(app::ks_distance_normal({-2.5, 0.3}) == doctest::Approx(0.49379033467422384));
  CHECK(app::normal_quantile(0.5) == 0.0);
  CHECK(app::normal_quantile(0.975) == doctest::Approx(1.959963984540054).epsilon(1e-10));
  CHECK(app::normal_quantile(0.025) == doctest::Approx(-1.959963984540054).epsilon(1e-10));
  CHECK(app::normal_quantile(0.8413447460685429) == doctest::Approx(1.0).epsilon(1e-10));
  CHECK_THROWS_AS(app::normal_quantile(1.0), Error);
}

TEST_CASE("detections are the 8-connected components above the threshold") {
  const float nan = std::nanf("");
  // 5×5: a diagonal pair (one component under 8-connectivity) at 3, a lone pixel at 0.5, NaN.
  const std::vector<float> score{3,   0, 0, 0, 0,    //
                                 0,   3, 0, 0, 0.5,  //
                                 0,   0, 0, 0, 0,    //
                                 nan, 0, 0, 0, 0,    //
                                 0,   0, 0, 0, 0};
  CHECK(app::count_detections(score, 5, 2.0) == 1);   // ε = 10⁻²
  CHECK(app::count_detections(score, 5, 0.0) == 2);   // ε = 1
  CHECK(app::count_detections(score, 5, -1.0) == 1);  // ε = 10: everything but NaN, one piece
}

TEST_CASE("inspecting a flow on its own samples: N(0, 1) latents, exact inverse, calibration") {
  Generator gen(5);
  UFlow flow(tiny_flow(), gen);
  flow.requires_grad(false);
  app::FeatureSet feats;
  feats.scales = flow.sample(32, gen);
  feats.rows = 32;
  const std::vector<Tensor> before = flow.parameters();
  std::vector<double> values_before;
  for (const Tensor& p : before)
    for (double v : p.to_vector()) values_before.push_back(v);

  app::InspectOptions opt;
  opt.nfa.size = 32;
  const app::Inspection r = app::inspect_flow(flow, feats, opt);

  CHECK(r.images == 32);
  REQUIRE(r.blocks.size() == 8);
  CHECK(r.blocks[0].scale == 1);  // coarsest first
  CHECK(r.blocks[0].channels == 16);
  CHECK(r.blocks[4].channels == 8 + 8 / 4);  // features + the shuffled half of the coarse scale
  CHECK(r.blocks[1].kernel == 1);
  double block_sum = 0, total = 0;
  for (const auto& b : r.blocks) {
    CHECK(b.log_det.size() == 32);
    CHECK(b.permutation.size() == static_cast<size_t>(b.channels));
    block_sum += b.log_det_mean;
  }
  for (double v : r.log_det) total += v / 32.0;
  CHECK(block_sum == doctest::Approx(total).epsilon(1e-5));

  // Latents are N(0, 1) up to the inverse's rounding: 81,920 and 16,384 values.
  REQUIRE(r.latents.size() == 2);
  for (const app::LatentStats& l : r.latents) {
    CHECK(l.ks_distance < 0.03);
    CHECK(l.beyond_3_sigma > 0.0012);
    CHECK(l.beyond_3_sigma < 0.0045);
    for (double m : l.channel_mean) CHECK(std::fabs(m) < 0.12);
    for (double v : l.channel_var) CHECK(std::fabs(v - 1.0) < 0.15);
    REQUIRE(l.qq_normal.size() == 199);
    CHECK(l.qq_latent[100] == doctest::Approx(0.0).epsilon(0.1).scale(1.0));
  }
  CHECK(r.latents[1].shape == Shape{8, 8, 8});

  CHECK(r.inverse_error_f32 < 1e-4);
  CHECK(r.inverse_error_f64 < 1e-10);
  CHECK(r.inverse_error_f64 < r.inverse_error_f32);

  // Calibration. (Counts of components need not grow with ε: regions merge as they grow.)
  REQUIRE(r.calibration.epsilon.size() == 10);
  CHECK(r.calibration.epsilon[6] == 1.0);
  for (size_t e = 0; e < 10; ++e)
    MESSAGE("epsilon ", r.calibration.epsilon[e], ": tree ", r.calibration.tree[e],
            ", tree with guard ", r.calibration.tree_guard[e], ", block ", r.calibration.block[e]);
  CHECK(r.calibration.tree[0] == 0.0);
  CHECK(r.calibration.tree_guard[0] == 0.0);
  CHECK(r.calibration.block[0] == 0.0);

  // The flow is back in float32 with the same parameters.
  std::vector<double> values_after;
  for (const Tensor& p : flow.parameters()) {
    CHECK(p.dtype() == DType::f32);
    for (double v : p.to_vector()) values_after.push_back(v);
  }
  CHECK(values_after == values_before);
}

TEST_CASE("uflow inspect writes the page and the HDF5 file; bad input names the file") {
  app::ModelSpec spec;
  spec.extractor = app::ExtractorKind::small;
  spec.input_size = 64;  // features 192×4×4 and 192×2×2
  spec.small_depth = 1;
  spec.flow_steps = 2;
  auto flow = app::build_flow(spec);
  app::CheckpointInfo info;
  info.spec = spec;
  const std::string ckpt = scratch().file("checkpoint.h5");
  app::save_checkpoint(ckpt, info, *flow, nullptr);
  Generator gen(3);
  const std::vector<Tensor> f = flow->sample(3, gen);
  const std::string features = scratch().file("features.h5");
  write_h5_atomic(features, [&](H5File& h) {
    h.write_tensor("f1", f[0]);
    h.write_tensor("f2", f[1]);
  });

  const std::string out = scratch().file("inspection");
  CHECK(app::inspect_command({ckpt, features, "--out", out, "--size", "32", "--device", "cpu"}) ==
        0);
  H5File h(out + "/inspection.h5", 'r');
  CHECK(h.read_tensor("calibration/epsilon").numel() == 10);
  CHECK(h.read_tensor("calibration/tree_guard_mean_detections").numel() == 10);
  CHECK(h.read_ints("architecture/channels").size() == 4);
  CHECK(h.read_tensor("invertibility/max_abs_error_f64").item() < 1e-10);
  std::ifstream page(out + "/inspection.html");
  std::stringstream html;
  html << page.rdbuf();
  CHECK(html.str().find("A-contrario calibration") != std::string::npos);
  CHECK(html.str().find("QQ plot, scale 1") != std::string::npos);
  CHECK(html.str().find("<svg") != std::string::npos);

  CHECK_THROWS_WITH_AS(
      app::inspect_command({ckpt, scratch().file("missing.h5"), "--out", out, "--device", "cpu"}),
      doctest::Contains("missing.h5"), Error);
}
