#include "apps/model/reference_checkpoint_import.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <numeric>
#include <set>

#include "apps/cli/progress.h"
#include "apps/model/weight_import.h"
#include "weights/atomic_write.h"
#include "weights/hdf5_file.h"

namespace uflow::app {
namespace {

constexpr const char* kFlowMark = "flow.module_list.";
constexpr const char* kExtractorMark = "feature_extractor.extractor";
const char* const kBlockParams[] = {"global_scale",  "global_offset",   "subnet.0.weight",
                                    "subnet.0.bias", "subnet.2.weight", "subnet.2.bias"};

class StateIndex {
 public:
  explicit StateIndex(const TorchCheckpoint& ckpt) : ckpt_(ckpt) {
    for (size_t i = 0; i < ckpt.tensors().size(); ++i) index_[ckpt.tensors()[i].name] = i;
  }
  bool has(const std::string& key) const { return index_.count(key) > 0; }
  size_t at(const std::string& key) const {
    const auto it = index_.find(key);
    UFLOW_CHECK(it != index_.end(), ckpt_.path(), ": missing ", key);
    return it->second;
  }
  const Shape& shape(const std::string& key) const { return ckpt_.tensors()[at(key)].shape; }
  Tensor read(const std::string& key) const { return ckpt_.read_float(at(key)); }

  // The one prefix under which `mark` appears (the text before its first occurrence).
  std::string prefix_of(const std::string& mark) const {
    std::set<std::string> prefixes;
    for (const auto& [k, i] : index_)
      if (const size_t at = k.find(mark); at != std::string::npos) prefixes.insert(k.substr(0, at));
    UFLOW_CHECK(!prefixes.empty(), ckpt_.path(), ": no '", mark,
                "' entries: not a U-Flow checkpoint");
    UFLOW_CHECK(prefixes.size() == 1, ckpt_.path(), ": '", mark,
                "' appears under several prefixes");
    return *prefixes.begin();
  }

 private:
  const TorchCheckpoint& ckpt_;
  std::map<std::string, size_t> index_;
};

// Index vector p with y[:, o] = v[:, p[o]] from either stored form (see the tool's docstring).
std::vector<int64_t> permutation_vector(const Tensor& w, const std::string& name,
                                        const std::string& path) {
  const float* v = w.data<float>();
  std::vector<int64_t> p;
  if (w.dim() == 1) {
    for (int64_t i = 0; i < w.numel(); ++i) p.push_back(static_cast<int64_t>(v[i]));
    std::vector<int64_t> sorted = p;
    std::sort(sorted.begin(), sorted.end());
    for (size_t i = 0; i < sorted.size(); ++i)
      UFLOW_CHECK(sorted[i] == static_cast<int64_t>(i), path, ": ", name,
                  " is not a permutation of 0..", p.size() - 1);
    return p;
  }
  UFLOW_CHECK(w.dim() >= 2, path, ": ", name, " is neither an index vector nor a matrix");
  const int64_t rows = w.size(0), cols = w.numel() / rows;
  std::vector<int64_t> col_sum(static_cast<size_t>(cols), 0);
  bool ok = cols == w.size(1);
  for (int64_t o = 0; o < rows && ok; ++o) {
    int64_t ones = 0, at = 0;
    for (int64_t i = 0; i < cols; ++i) {
      const float x = v[o * cols + i];
      if (x != 0.0f && x != 1.0f) ok = false;
      if (x == 1.0f) {
        ++ones;
        at = i;
        ++col_sum[static_cast<size_t>(i)];
      }
    }
    ok = ok && ones == 1;
    p.push_back(at);
  }
  for (const int64_t s : col_sum) ok = ok && s == 1;
  UFLOW_CHECK(ok, path, ": ", name,
              " is not a 0/1 permutation matrix (soft permutations, permute_soft=True, are not "
              "supported)");
  return p;
}

double number_or(const PyValue* v, double fallback) {
  if (!v) return fallback;
  if (v->kind == PyKind::integer) return static_cast<double>(v->integer);
  if (v->kind == PyKind::real) return v->real;
  if (v->kind == PyKind::boolean) return v->boolean ? 1 : 0;
  return fallback;
}

}  // namespace

bool is_reference_uflow(const TorchCheckpoint& ckpt) {
  for (const SourceTensorInfo& t : ckpt.tensors())
    if (t.name.find(kFlowMark) != std::string::npos) return true;
  return false;
}

ReferenceImport import_reference_checkpoint(const TorchCheckpoint& ckpt, const std::string& out,
                                            const std::string& weights_dir) {
  const std::string& path = ckpt.path();
  const StateIndex state(ckpt);
  const std::string prefix = state.prefix_of(kFlowMark);
  const std::string ex_prefix = state.prefix_of(kExtractorMark);

  // Blocks grouped into stages, coarsest first: consecutive module indices, with three
  // parameterless modules (split, upsampling, concat) between stages.
  std::vector<int64_t> indices;
  const std::string block_start = prefix + kFlowMark;
  for (const SourceTensorInfo& t : ckpt.tensors()) {
    if (t.name.compare(0, block_start.size(), block_start) != 0) continue;
    const std::string rest = t.name.substr(block_start.size());
    const size_t dot = rest.find('.');
    if (dot == 0 || dot == std::string::npos || rest.substr(dot) != ".global_scale") continue;
    if (rest.find_first_not_of("0123456789") != dot) continue;
    indices.push_back(std::stoll(rest.substr(0, dot)));
  }
  std::sort(indices.begin(), indices.end());
  UFLOW_CHECK(!indices.empty(), path, ": no coupling blocks under '", block_start, "'");
  std::vector<std::vector<int64_t>> stages{{indices[0]}};
  for (size_t i = 1; i < indices.size(); ++i) {
    const int64_t n = indices[i];
    if (n == stages.back().back() + 1)
      stages.back().push_back(n);
    else if (n == stages.back().back() + 4)
      stages.push_back({n});
    else
      UFLOW_FAIL(path, ": unexpected module_list layout at index ", n);
  }
  const size_t steps = stages[0].size();
  for (const auto& s : stages)
    UFLOW_CHECK(s.size() == steps, path, ": scales have different numbers of blocks");
  const size_t scales = stages.size();

  std::vector<CaitShapes> extractors;
  for (size_t i = 0; i < scales; ++i) {
    const std::string p = ex_prefix + kExtractorMark + std::to_string(i + 1) + ".";
    const std::optional<CaitShapes> c = identify_cait(ckpt.tensors(), p);
    UFLOW_CHECK(c.has_value(), path, ": no CaiT extractor under '", p,
                "' (only the MS-CaiT extractor is supported)");
    extractors.push_back(*c);
  }

  // Stage channels from the blocks, finest first; features from the U rule.
  std::vector<int64_t> channels;
  for (size_t s = 0; s < scales; ++s) {
    const Shape& gs =
        state.shape(block_start + std::to_string(stages[scales - 1 - s][0]) + ".global_scale");
    UFLOW_CHECK(gs.size() >= 2, path, ": global_scale of unexpected shape ", shape_str(gs));
    channels.push_back(gs[1]);
  }
  std::vector<int64_t> features;
  for (size_t s = 0; s < scales; ++s) {
    const int64_t up = s + 1 < scales ? channels[s + 1] / 8 * 4 : 0;
    const int64_t c = channels[s] - up / 4;
    const CaitShapes& e = extractors[s];
    UFLOW_CHECK(c == e.dim && (s == 0 || e.grid * 2 == extractors[s - 1].grid), path,
                ": flow scale ", s, " takes ", c, " channels but extractor ", s + 1, " gives ",
                e.dim, " at ", e.grid, "x", e.grid);
    features.insert(features.end(), {c, e.grid, e.grid});
  }

  // Every flow tensor is checked before anything is written.
  std::vector<std::pair<std::string, std::string>> flow_tensors;  // dataset, state key
  std::vector<std::pair<std::string, std::vector<int64_t>>> perms;
  for (size_t s = 0; s < scales; ++s) {
    const auto& stage = stages[scales - 1 - s];
    for (size_t j = 0; j < stage.size(); ++j) {
      const std::string base = block_start + std::to_string(stage[j]) + ".";
      const Shape& k = state.shape(base + "subnet.0.weight");
      const int64_t kernel = k.empty() ? 0 : k.back();
      UFLOW_CHECK(kernel == (j % 2 == 0 ? 3 : 1), path, ": block module_list.", stage[j],
                  " has kernel ", kernel, ", the reference alternates 3, 1");
      for (const char* p : kBlockParams) {
        UFLOW_CHECK(state.has(base + p), path, ": missing ", base + p);
        flow_tensors.emplace_back("module_list." + std::to_string(stage[j]) + "." + p, base + p);
      }
      std::vector<int64_t> perm =
          permutation_vector(state.read(base + "w_perm"), base + "w_perm", path);
      if (state.has(base + "w_perm_inv")) {
        const std::vector<int64_t> inv =
            permutation_vector(state.read(base + "w_perm_inv"), base + "w_perm_inv", path);
        bool inverse = inv.size() == perm.size();
        for (size_t i = 0; inverse && i < inv.size(); ++i)
          inverse = inv[i] >= 0 && inv[i] < static_cast<int64_t>(perm.size()) &&
                    perm[static_cast<size_t>(inv[i])] == static_cast<int64_t>(i);
        UFLOW_CHECK(inverse, path, ": ", base, "w_perm_inv is not the inverse of w_perm");
      }
      perms.emplace_back(std::to_string(s) + "." + std::to_string(j), std::move(perm));
    }
  }

  // Lightning's bookkeeping: epoch, the first optimiser's first parameter group, and the
  // clamp among the hyper-parameters (a dict or a dict-like object).
  const PyValue& root = ckpt.root();
  const PyValue* epoch = root.is_mapping() ? root.get("epoch") : nullptr;
  const PyValue* group = nullptr;
  if (const PyValue* opts = root.is_mapping() ? root.get("optimizer_states") : nullptr;
      opts && opts->kind == PyKind::list && !opts->items.empty() && opts->items[0]->is_mapping())
    if (const PyValue* groups = opts->items[0]->get("param_groups");
        groups && groups->kind == PyKind::list && !groups->items.empty() &&
        groups->items[0]->is_mapping())
      group = groups->items[0];
  const PyValue* hparams = root.is_mapping() ? root.get("hyper_parameters") : nullptr;
  const double clamp =
      hparams && hparams->is_mapping() ? number_or(hparams->get("affine_clamp"), 2.0) : 2.0;

  ReferenceImport result;
  result.steps = static_cast<int64_t>(steps);
  std::filesystem::create_directories(weights_dir);
  size_t total = flow_tensors.size();
  std::vector<std::vector<size_t>> extractor_tensors(scales);
  for (size_t s = 0; s < scales; ++s) {
    const std::string p = ex_prefix + kExtractorMark + std::to_string(s + 1) + ".";
    for (size_t i = 0; i < ckpt.tensors().size(); ++i)
      if (ckpt.tensors()[i].name.compare(0, p.size(), p) == 0) extractor_tensors[s].push_back(i);
    total += extractor_tensors[s].size();
  }
  Progress progress("import", static_cast<int64_t>(total), "tensors");
  for (size_t s = 0; s < scales; ++s) {
    const CaitShapes& e = extractors[s];
    const std::string file = (std::filesystem::path(weights_dir) / (e.arch + ".h5")).string();
    write_weight_file(file, ckpt, extractor_tensors[s],
                      ex_prefix + kExtractorMark + std::to_string(s + 1) + ".",
                      imagenet_weight_info(e.arch, e.input_size), &progress);
    result.written.push_back(file);
    result.archs.push_back(e.arch);
  }
  std::string archs;
  for (const std::string& a : result.archs) archs += (archs.empty() ? "" : ",") + a;
  const bool paper = result.archs == std::vector<std::string>{"cait_m48_448", "cait_s24_224"};

  write_h5_atomic(out, [&](H5File& f) {
    f.set_attr("format", "uflow-checkpoint");
    f.set_attr("version", int64_t{1});
    f.set_attr("epoch", epoch && epoch->kind == PyKind::integer ? epoch->integer : int64_t{0});
    f.set_attr("extractor", paper ? "paper" : "custom");
    f.set_attr("input_size", extractors[0].input_size);
    f.set_attr("small_depth", int64_t{0});
    f.set_attr("extractor_seed", int64_t{0});
    f.set_attr("weights_dir", weights_dir);
    f.set_attr("flow_steps", static_cast<int64_t>(steps));
    f.set_attr("clamp", clamp);
    f.set_attr("clamp_mode", "pinned");
    f.set_attr("seed", int64_t{0});
    f.set_attr("map_size", int64_t{256});
    f.set_attr("epochs", int64_t{0});
    f.set_attr("batch", int64_t{0});
    f.set_attr("lr", group ? number_or(group->get("lr"), 0.0) : 0.0);
    f.set_attr("weight_decay", group ? number_or(group->get("weight_decay"), 0.0) : 0.0);
    f.set_attr("loss", "current");
    f.set_attr("flow_features", features);
    f.set_attr("source", std::filesystem::path(path).filename().string());
    f.set_attr("extractor_archs", archs);
    for (const auto& [name, key] : flow_tensors) {
      f.write_tensor("flow/" + name, state.read(key));
      progress.advance(1);
    }
    for (const auto& [name, p] : perms) f.write_ints("permutation/" + name, p);
  });
  progress.finish();
  result.written.push_back(out);
  return result;
}

}  // namespace uflow::app
