// Weight files written by Python (tools/export_timm.py's writer, through h5py) read through the
// C++ API: h5py's variable-length string attributes, float64 array attributes and flat dotted
// dataset names. The fixture's key set must be exactly timm's naming as written down in
// docs/extractor.md §2 for a CaiT of depth 3 with one class-attention block.
#include <doctest/doctest.h>

#include "weights/weight_file.h"

using namespace uflow;

namespace {

const std::string kPath = std::string(UFLOW_FIXTURES_DIR) + "/cait/cait_d32_h4_weights.h5";

// Expected (key, shape) of the self-attention part of a CaiT, from the documented naming.
ExpectedShapes cait_keys(int64_t dim, int64_t depth, int64_t heads, int64_t tokens) {
  ExpectedShapes e{{"pos_embed", {1, tokens, dim}},
                   {"patch_embed.proj.weight", {dim, 3, 16, 16}},
                   {"patch_embed.proj.bias", {dim}}};
  for (int64_t i = 0; i < depth; ++i) {
    const std::string b = "blocks." + std::to_string(i) + ".";
    const ExpectedShapes block{{b + "gamma_1", {dim}},
                               {b + "gamma_2", {dim}},
                               {b + "norm1.weight", {dim}},
                               {b + "norm1.bias", {dim}},
                               {b + "attn.qkv.weight", {3 * dim, dim}},
                               {b + "attn.qkv.bias", {3 * dim}},
                               {b + "attn.proj.weight", {dim, dim}},
                               {b + "attn.proj.bias", {dim}},
                               {b + "attn.proj_l.weight", {heads, heads}},
                               {b + "attn.proj_l.bias", {heads}},
                               {b + "attn.proj_w.weight", {heads, heads}},
                               {b + "attn.proj_w.bias", {heads}},
                               {b + "norm2.weight", {dim}},
                               {b + "norm2.bias", {dim}},
                               {b + "mlp.fc1.weight", {4 * dim, dim}},
                               {b + "mlp.fc1.bias", {4 * dim}},
                               {b + "mlp.fc2.weight", {dim, 4 * dim}},
                               {b + "mlp.fc2.bias", {dim}}};
    e.insert(e.end(), block.begin(), block.end());
  }
  e.push_back({"norm.weight", {dim}});
  e.push_back({"norm.bias", {dim}});
  return e;
}

}  // namespace

TEST_CASE("h5py-written weight files: attributes and timm keys") {
  const WeightFileInfo info = read_weight_info(kPath);
  CHECK(info.arch == "cait_d32_h4");
  CHECK(info.input_size == 48);
  CHECK(info.mean == std::vector<double>{0.485, 0.456, 0.406});
  CHECK(info.std == std::vector<double>{0.229, 0.224, 0.225});

  const ExpectedShapes expected = cait_keys(32, 3, 4, 9);
  const auto loaded = load_state(kPath, expected, {"cls_token", "blocks_token_only.", "head."});
  CHECK(loaded.size() == expected.size());
  CHECK(loaded.at("blocks.2.attn.proj_w.weight").dtype() == DType::f32);

  // Without the class-attention stage declared ignorable, its first key is reported.
  std::string msg;
  try {
    load_state(kPath, expected, {"head.", "cls_token"});
  } catch (const Error& e) {
    msg = e.what();
  }
  CHECK(msg == kPath +
                   ": unexpected key 'blocks_token_only.0.attn.k.bias' (not a parameter of "
                   "the model)");
}
