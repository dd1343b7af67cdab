// Parity of AllInOneBlock and the whole U-shaped flow with FrEIA 0.2 (fixtures written by
// tools/reference/make_flow_fixtures.py): forward, log-det, inverse, the loss and the gradient
// of every parameter, in float32 and float64. Parameters and permutations are loaded by the
// reference's state_dict names, so these tests also pin our module naming to the reference's.
#include <set>

#include "flow/loss.h"
#include "flow/u_flow.h"
#include "parity_util.h"
#include "weights/hdf5_file.h"

using namespace uflow;
using uflow::test::fixture_path;

namespace {

// float32 results meet the reference to a few float32 rounding errors amplified by depth;
// float64 ones to a few 1e-15 of the tensor scale.
double rtol_for(DType d) {
  return d == DType::f32 ? 1e-4 : 1e-12;
}

std::set<std::string> our_names(const Module& m) {
  std::set<std::string> out;
  for (const auto& [name, p] : m.named_parameters()) out.insert(name);
  return out;
}

// Datasets <prefix>0 .. <prefix>{count-1}: one tensor per scale, finest first.
std::vector<Tensor> read_scales(const H5File& f, const std::string& prefix, int64_t count,
                                DType dtype) {
  std::vector<Tensor> out;
  for (int64_t s = 0; s < count; ++s)
    out.push_back(f.read_tensor(prefix + std::to_string(s), dtype));
  return out;
}

std::set<std::string> fixture_names(const H5File& f, const std::string& group) {
  const auto v = f.names(group);
  return {v.begin(), v.end()};
}

void single_block_case(const std::string& file, DType dtype) {
  const std::string label = file + (dtype == DType::f32 ? " f32" : " f64");
  const std::string res = dtype == DType::f32 ? "f32/" : "f64/";
  H5File f(fixture_path("flow/" + file + ".h5"), 'r');
  AllInOneConfig cfg;
  cfg.channels = f.attr_int("channels");
  cfg.kernel = f.attr_int("kernel");
  cfg.clamp = f.attr_double("clamp");
  cfg.hidden_ratio = f.attr_double("hidden_ratio");
  if (f.has_attr("global_affine_type")) {
    const std::string t = f.attr_string("global_affine_type");
    cfg.affine = t == "SIGMOID" ? GlobalAffine::sigmoid
                 : t == "EXP"   ? GlobalAffine::exp
                                : GlobalAffine::softplus;
  }
  cfg.soft_permutation = f.has_attr("soft_permutation") && f.attr_int("soft_permutation") != 0;
  Generator gen(1);
  AllInOneBlock block(cfg, gen);
  block.to(dtype);
  REQUIRE(our_names(block) == fixture_names(f, "params"));
  for (const auto& [name, p] : block.named_parameters())
    block.set_parameter(name, f.read_tensor("params/" + name, dtype));
  if (cfg.soft_permutation)
    block.set_soft_permutation(f.read_tensor("soft_perm", DType::f64));
  else
    block.set_permutation(f.read_ints("perm"));

  const Tensor x = f.read_tensor("input", dtype);
  x.set_requires_grad(true);
  const FlowOut out = block.forward(x);
  CHECK_PARITY(label, "output", out.y, f.read_tensor(res + "output"), rtol_for(dtype));
  CHECK_PARITY(label, "log_det", out.log_det, f.read_tensor(res + "log_det"), rtol_for(dtype));

  const double c = f.attr_double("logdet_weight");
  const Tensor loss = sum(out.y * f.read_tensor("R", dtype)) + sum(out.log_det) * c;
  CHECK_PARITY(label, "loss", loss, f.read_tensor(res + "loss"), rtol_for(dtype));
  backward(loss);
  CHECK_PARITY(label, "grad/input", x.grad(), f.read_tensor(res + "grad/input"), rtol_for(dtype));
  // Named members, not a structured binding: the checks below capture them, which clang
  // (the sanitizer build, with OpenMP) does not support for structured bindings.
  for (const auto& name_p : block.named_parameters()) {
    const auto& name = name_p.first;
    const auto& p = name_p.second;
    REQUIRE(p.grad().defined());
    CHECK_PARITY(label, "grad/" + name, p.grad(), f.read_tensor(res + "grad/" + name),
                 rtol_for(dtype));
  }

  NoGradGuard no_grad;
  const FlowOut inv = block.inverse(f.read_tensor("inverse_input", dtype));
  CHECK_PARITY(label, "inverse", inv.y, f.read_tensor(res + "inverse"), rtol_for(dtype));
  CHECK_PARITY(label, "inverse_log_det", inv.log_det, f.read_tensor(res + "inverse_log_det"),
               rtol_for(dtype));
}

// Loads the reference's parameters and permutations into a UFlow of the fixture's shapes.
void load_reference(const H5File& f, UFlow& flow, DType dtype) {
  REQUIRE(our_names(flow) == fixture_names(f, "params"));
  for (const auto& [name, p] : flow.named_parameters())
    flow.set_parameter(name, f.read_tensor("params/" + name, dtype));
  // perm/module_list.{n}: find block n through its parameter, so the mapping is by name.
  size_t loaded = 0, blocks = 0;
  for (size_t s = 0; s < flow.config().features.size(); ++s) blocks += flow.blocks(s).size();
  for (const std::string& key : f.names("perm")) {
    const Tensor gs = flow.parameter(key + ".global_scale");
    bool found = false;
    for (size_t s = 0; s < flow.config().features.size() && !found; ++s)
      for (const auto& b : flow.blocks(s))
        if (b->parameter("global_scale").same(gs)) {
          b->set_permutation(f.read_ints("perm/" + key));
          found = true;
          break;
        }
    INFO("permutation ", key);
    CHECK(found);
    loaded += found;
  }
  CHECK(loaded == blocks);
}

void uflow_case(const std::string& file, DType dtype) {
  const std::string label = file + (dtype == DType::f32 ? " f32" : " f64");
  const double rtol = rtol_for(dtype);
  H5File f(fixture_path("flow/" + file + ".h5"), 'r');
  const int64_t S = f.attr_int("scales");
  const std::vector<int64_t> dims = f.attr_ints("features");
  REQUIRE(static_cast<int64_t>(dims.size()) == 3 * S);
  UFlowConfig cfg;
  for (int64_t s = 0; s < S; ++s)
    cfg.features.push_back({dims[3 * s], dims[3 * s + 1], dims[3 * s + 2]});
  cfg.steps = f.attr_int("steps");
  cfg.kernels = f.attr_ints("kernels");
  cfg.block.clamp = f.attr_double("clamp");
  Generator gen(2);
  UFlow flow(cfg, gen);
  flow.to(dtype);
  load_reference(f, flow, dtype);

  const UFlowOut out = flow.forward(read_scales(f, "features/", S, dtype));
  // Expected values are float64 only; a float32 run is held to the float32 tolerance.
  const std::vector<Tensor> z_ref = read_scales(f, "f64/z/", S, dtype);
  for (int64_t s = 0; s < S; ++s)
    CHECK_PARITY(label, "z/" + std::to_string(s), out.z[s], z_ref[s], rtol);
  CHECK_PARITY(label, "log_det", out.log_det, f.read_tensor("f64/log_det", dtype), rtol);
  const Tensor loss = nll_loss(out.z, out.log_det);
  CHECK_PARITY(label, "loss", loss, f.read_tensor("f64/loss", dtype), rtol);
  backward(loss);
  for (const auto& name_p : flow.named_parameters()) {
    const auto& name = name_p.first;
    const auto& p = name_p.second;
    REQUIRE(p.grad().defined());
    CHECK_PARITY(label, "grad/" + name, p.grad(), f.read_tensor("f64/grad/" + name, dtype), rtol);
  }

  NoGradGuard no_grad;
  const UFlowOut inv = flow.inverse(read_scales(f, "inverse_input/", S, dtype));
  const std::vector<Tensor> inv_ref = read_scales(f, "f64/inverse/", S, dtype);
  for (int64_t s = 0; s < S; ++s)
    CHECK_PARITY(label, "inverse/" + std::to_string(s), inv.z[s], inv_ref[s], rtol);
  CHECK_PARITY(label, "inverse_log_det", inv.log_det, f.read_tensor("f64/inverse_log_det", dtype),
               rtol);
}

}  // namespace

TEST_CASE("AllInOneBlock matches FrEIA: k=3, 7 channels") {
  for (DType d : {DType::f32, DType::f64}) single_block_case("aio_k3", d);
}

TEST_CASE("AllInOneBlock matches FrEIA: k=1, 9 channels") {
  for (DType d : {DType::f32, DType::f64}) single_block_case("aio_k1", d);
}

TEST_CASE("AllInOneBlock matches FrEIA: SIGMOID and EXP global affine, soft permutation") {
  for (const char* file : {"aio_sigmoid", "aio_exp", "aio_soft"})
    for (DType d : {DType::f32, DType::f64}) single_block_case(file, d);
}

TEST_CASE("UFlow matches the reference GraphINN: two scales 48x16x16 + 24x8x8") {
  for (DType d : {DType::f32, DType::f64}) uflow_case("uflow_2scale", d);
}

TEST_CASE("UFlow matches the reference GraphINN: three scales") {
  for (DType d : {DType::f32, DType::f64}) uflow_case("uflow_3scale", d);
}
