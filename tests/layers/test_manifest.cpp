// Our CaiT module trees against the key/shape manifests of timm's CaiT variants (fixtures
// written by tools/reference/manifest_reference.py from timm with pretrained=False, names and
// shapes only): the configs of all ten variants, the full tree of cait_s24_224 key by key, and
// the tree of cait_m48_448 without allocating its 356M parameters (see the last test).
#include <map>
#include <set>
#include <sstream>

#include "layers/cait.h"
#include "parity_util.h"
#include "weights/hdf5_file.h"

using namespace uflow;
using uflow::test::fixture_path;

namespace {

using Manifest = std::map<std::string, Shape>;

struct ManifestFile {
  Manifest keys;
  std::vector<std::string> order;  // the state_dict order
};

// The "manifest" dataset is text: one "key d0,d1,..." line per state_dict entry.
ManifestFile read_manifest(const H5File& f) {
  const std::vector<uint8_t> bytes = f.read_bytes("manifest");
  std::istringstream in(std::string(bytes.begin(), bytes.end()));
  ManifestFile m;
  std::string key, dims;
  while (in >> key >> dims) {
    Shape s;
    std::istringstream d(dims);
    for (std::string tok; std::getline(d, tok, ',');) s.push_back(std::stoll(tok));
    m.keys[key] = s;
    m.order.push_back(key);
  }
  return m;
}

Manifest tree_of(const Module& m) {
  Manifest out;
  for (const auto& [name, p] : m.named_parameters()) out[name] = p.shape();
  return out;
}

// "blocks.7.attn.qkv.weight" -> (7, "attn.qkv.weight"); index -1 for keys outside `blocks.`.
std::pair<int64_t, std::string> block_key(const std::string& key) {
  if (key.rfind("blocks.", 0) != 0) return {-1, key};
  const size_t dot = key.find('.', 7);
  return {std::stoll(key.substr(7, dot - 7)), key.substr(dot + 1)};
}

void check_same(const Manifest& ours, const Manifest& ref, const std::string& what) {
  // Named members, not a structured binding: the checks below capture them, which clang
  // (the sanitizer build, with OpenMP) does not support for structured bindings.
  for (const auto& k_s : ref) {
    const auto& k = k_s.first;
    const auto& s = k_s.second;
    INFO(what, ": timm key ", k, " ", shape_str(s));
    REQUIRE(ours.count(k) == 1);
    CHECK(ours.at(k) == s);
  }
  for (const auto& k_s : ours) {
    const auto& k = k_s.first;
    const auto& s = k_s.second;
    INFO(what, ": our key ", k, " is not in timm's state_dict");
    CHECK(ref.count(k) == 1);
  }
}

H5File open_manifest(const std::string& arch) {
  return H5File(fixture_path("manifest/" + arch + ".h5"), 'r');
}

}  // namespace

TEST_CASE("cait_config matches timm's hyper-parameters for all ten variants") {
  const std::vector<std::string> names = cait_config_names();
  CHECK(names.size() == 10);
  for (const std::string& arch : names) {
    H5File f = open_manifest(arch);
    const CaitConfig c = cait_config(arch);
    INFO(arch);
    CHECK(f.attr_string("arch") == arch);
    CHECK(c.img_size == f.attr_int("input_size"));
    CHECK(c.patch == f.attr_int("patch_size"));
    CHECK(c.dim == f.attr_int("embed_dim"));
    CHECK(c.depth == f.attr_int("depth"));
    CHECK(c.heads == f.attr_int("num_heads"));
    CHECK(static_cast<int64_t>(c.dim * c.mlp_ratio) == f.attr_int("mlp_hidden"));
    CHECK(c.depth_token_only == f.attr_int("depth_token_only"));
    CHECK(c.num_classes == f.attr_int("num_classes"));
    CHECK(c.eps == f.attr_double("eps"));
    CHECK(static_cast<int64_t>(read_manifest(f).keys.size()) == f.attr_int("num_keys"));
  }
}

TEST_CASE("the full cait_s24_224 tree has exactly timm's keys and shapes") {
  H5File f = open_manifest("cait_s24_224");
  const ManifestFile ref = read_manifest(f);
  Generator gen(0);
  const Cait model(cait_config("cait_s24_224"), gen);
  check_same(tree_of(model), ref.keys, "cait_s24_224");
  CHECK(model.parameter_count() == f.attr_int("num_params"));
  CHECK(model.parameter_count() == 46916200);  // docs/extractor.md §2
}

// Building all of cait_m48_448 would allocate and initialise 1.4 GB. Our Cait builds every
// self-attention block with the same constructor call in a loop, so it is enough to build the
// tree with one block (everything else full size) and check that (1) every key outside the
// blocks and every key of block 0 matches timm exactly, and (2) timm has `depth` blocks, each
// with exactly block 0's keys and shapes. Together these pin the full tree.
TEST_CASE(
    "the cait_m48_448 tree matches timm's manifest (one block built, the rest by structure)") {
  H5File f = open_manifest("cait_m48_448");
  const ManifestFile ref = read_manifest(f);
  const CaitConfig cfg = cait_config("cait_m48_448");
  Generator gen(0);
  const Cait model(cfg, gen, CaitParts{1, true});
  const Manifest ours = tree_of(model);

  Manifest ref_part, block0;
  std::map<int64_t, Manifest> blocks;
  for (const auto& [k, s] : ref.keys) {
    const auto [i, rest] = block_key(k);
    if (i < 0 || i == 0) ref_part[k] = s;
    if (i >= 0) blocks[i][rest] = s;
  }
  check_same(ours, ref_part, "cait_m48_448 outside blocks 1..47");
  REQUIRE(static_cast<int64_t>(blocks.size()) == cfg.depth);
  CHECK(blocks.begin()->first == 0);
  CHECK(blocks.rbegin()->first == cfg.depth - 1);
  for (const auto& i_b : blocks) {
    const auto& i = i_b.first;
    const auto& b = i_b.second;
    INFO("timm block ", i);
    CHECK(b == blocks.at(0));
  }
  // The parameter count follows: the built tree plus depth - 1 more blocks of block 0's size.
  int64_t per_block = 0;
  for (const auto& [k, s] : blocks.at(0)) per_block += shape_numel(s);
  CHECK(model.parameter_count() + (cfg.depth - 1) * per_block == f.attr_int("num_params"));
  CHECK(f.attr_int("num_params") == 356460520);  // docs/extractor.md §2
}
