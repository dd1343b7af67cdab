// CaiT and MS-CaiT against timm 0.9.16's own Cait with random weights (fixtures written by
// tools/reference/cait_reference.py; weights by tools/export_timm.py's writer): the patch and
// position embedding, every block's output tokens, the tapped features after the final norm,
// the gradients of sum(features * R) with respect to the input and several weights, and the
// two-scale extractor with its bicubic resize. float32 and float64. Weights are loaded through
// load_weights with our module tree's names and shapes, so the key sets must agree exactly.
#include "layers/cait.h"
#include "layers/ms_cait.h"
#include "parity_util.h"
#include "weights/hdf5_file.h"
#include "weights/weight_file.h"

using namespace uflow;
using uflow::test::fixture_path;

namespace {

// Prefix of the expected values per dtype: float32 results at the root, float64 under f64/.
std::string res(DType d) {
  return d == DType::f32 ? "" : "f64/";
}
std::string tag(DType d) {
  return d == DType::f32 ? " f32" : " f64";
}
// float32: a few float32 roundings through attention, softmax and LayerNorm; float64: tight.
double rtol_for(DType d) {
  return d == DType::f32 ? 1e-4 : 1e-12;
}

CaitConfig config_from(const H5File& f, const std::string& p) {
  CaitConfig c;
  c.name = f.attr_string(p + "arch");
  c.img_size = f.attr_int(p + "img_size");
  c.patch = f.attr_int(p + "patch_size");
  c.dim = f.attr_int(p + "embed_dim");
  c.depth = f.attr_int(p + "depth");
  c.heads = f.attr_int(p + "num_heads");
  c.mlp_ratio = f.attr_double(p + "mlp_ratio");
  c.eps = f.attr_double(p + "eps");
  c.depth_token_only = f.attr_int(p + "depth_token_only");
  c.num_classes = f.attr_int(p + "num_classes");
  return c;
}

// Loads a weight file into every parameter `model` has; keys of parts not built (later
// blocks, the class stage) may be in the file, anything else must match exactly.
void load_into(Cait& model, const std::string& path) {
  ExpectedShapes expected;
  for (const auto& [name, p] : model.named_parameters()) expected.push_back({name, p.shape()});
  for (const auto& [name, t] : load_weights(path, expected, model.unbuilt_prefixes()))
    model.set_parameter(name, t);
}

void single_model_case(const std::string& file, DType dtype) {
  const std::string label = file + tag(dtype), r = res(dtype);
  const double rtol = rtol_for(dtype);
  H5File f(fixture_path("cait/" + file + ".h5"), 'r');
  const CaitConfig cfg = config_from(f, "");
  const int64_t tap = f.attr_int("tap");
  Generator gen(3);
  Cait model(cfg, gen);  // the full model: the file must hold exactly its keys
  model.to(dtype);
  load_into(model, fixture_path("cait/" + f.attr_string("weights_file")));

  const Tensor x = f.read_tensor("input", dtype);
  {
    NoGradGuard no_grad;
    CHECK_PARITY(label, "embed", model.embed(x), f.read_tensor(r + "embed"), rtol);
    std::vector<Tensor> outs;
    model.forward_features(x, cfg.depth - 1, &outs);
    REQUIRE(static_cast<int64_t>(outs.size()) == cfg.depth);
    REQUIRE(static_cast<int64_t>(f.names(r + "blocks").size()) == cfg.depth);
    for (int64_t i = 0; i < cfg.depth; ++i)
      CHECK_PARITY(label, "blocks/" + std::to_string(i), outs[i],
                   f.read_tensor(r + "blocks/" + std::to_string(i)), rtol);
  }

  x.set_requires_grad(true);
  const Tensor feats = model.forward_features(x, tap);
  CHECK_PARITY(label, "features", feats, f.read_tensor(r + "features"), rtol);
  const Tensor loss = sum(feats * f.read_tensor("loss_weight", dtype));
  CHECK_PARITY(label, "loss", loss, f.read_tensor(r + "loss"), rtol);
  backward(loss);
  CHECK_PARITY(label, "grad/input", x.grad(), f.read_tensor(r + "grad/input"), rtol);
  int checked = 0;
  for (const std::string& key : f.names(r + "grad")) {
    if (key == "input") continue;
    const Tensor g = model.parameter(key).grad();
    INFO(label, " gradient of ", key);
    REQUIRE(g.defined());
    CHECK_PARITY(label, "grad/" + key, g, f.read_tensor(r + "grad/" + key), rtol);
    ++checked;
  }
  CHECK(checked >= 10);
}

}  // namespace

TEST_CASE("CaiT matches timm: D 48, 2 heads, 4 blocks, tap after block 2") {
  for (DType d : {DType::f32, DType::f64}) single_model_case("cait_d48_h2", d);
}

TEST_CASE("CaiT matches timm: D 32, 4 heads (talking heads mix), class stage in the file") {
  for (DType d : {DType::f32, DType::f64}) single_model_case("cait_d32_h4", d);
}

TEST_CASE("MS-CaiT matches two timm models, the second on the bicubic half-size image") {
  H5File f(fixture_path("cait/ms_cait.h5"), 'r');
  const int64_t S = f.attr_int("scales");
  MsCaitConfig cfg;
  for (int64_t s = 0; s < S; ++s) {
    const std::string p = "s" + std::to_string(s) + "_";
    cfg.scales.push_back({config_from(f, p), f.attr_int(p + "tap")});
  }
  REQUIRE(cfg.input_size() == f.attr_int("input_size"));
  for (DType d : {DType::f32, DType::f64}) {
    const std::string label = "ms_cait" + tag(d), r = res(d);
    Generator gen(4);
    MsCaitExtractor ex(cfg, gen);
    for (int64_t s = 0; s < S; ++s) {
      ex.model(s).to(d);
      load_into(ex.model(s),
                fixture_path("cait/" + f.attr_string("s" + std::to_string(s) + "_weights_file")));
    }
    const Tensor image = f.read_tensor("image", d);
    const int64_t half = cfg.scales[1].model.img_size;
    CHECK_PARITY(label, "resized", interpolate(image, half, half, InterpMode::bicubic, true),
                 f.read_tensor(r + "resized"), rtol_for(d));
    const std::vector<Tensor> feats = ex.forward(image);
    REQUIRE(static_cast<int64_t>(feats.size()) == S);
    for (int64_t s = 0; s < S; ++s)
      CHECK_PARITY(label, "features/" + std::to_string(s), feats[s],
                   f.read_tensor(r + "features/" + std::to_string(s)), rtol_for(d));
  }
}
