#include "apps/commands/import_command.h"

#include <malloc.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>

#include "apps/cli/args.h"
#include "apps/cli/progress.h"
#include "apps/model/checkpoint.h"
#include "apps/model/reference_checkpoint_import.h"
#include "apps/model/weight_import.h"
#include "layers/cait.h"
#include "tensor/host_block_cache.h"
#include "weights/hdf5_file.h"
#include "weights/hdf5_walk.h"
#include "weights/safetensors_file.h"
#include "weights/torch_checkpoint.h"

namespace uflow::app {
namespace {

namespace fs = std::filesystem;

std::string join(const std::vector<double>& v) {
  std::string s;
  char buf[32];
  for (const double x : v) {
    std::snprintf(buf, sizeof buf, "%s%g", s.empty() ? "" : ", ", x);
    s += buf;
  }
  return "[" + s + "]";
}

// Prints what a uflow HDF5 file holds and verifies it: format and version, the attributes a
// reader needs, every dataset readable with finite values, weight tensors in float, and the
// shapes of a CaiT against its arch name; permutations of a checkpoint are permutations.
int check_file(const std::string& path) {
  H5File f(path, 'r');
  UFLOW_CHECK(f.has_attr("format"), path, ": no 'format' attribute: not a uflow file");
  const std::string format = f.attr_string("format");
  const bool weights = format == kWeightsFormat;
  UFLOW_CHECK(weights || format == "uflow-checkpoint", path, ": unknown format '", format,
              "' (expected ", kWeightsFormat, " or uflow-checkpoint)");
  std::printf("%s: %s version %lld\n", path.c_str(), format.c_str(),
              static_cast<long long>(f.attr_int("version")));
  if (weights) {
    const WeightFileInfo info = read_weight_info(path);
    std::printf("  arch %s, input %lld, mean %s, std %s\n", info.arch.c_str(),
                static_cast<long long>(info.input_size), join(info.mean).c_str(),
                join(info.std).c_str());
    UFLOW_CHECK(!info.arch.empty(), path, ": empty 'arch' attribute");
    UFLOW_CHECK(info.input_size > 0, path, ": 'input_size' is ", info.input_size);
    UFLOW_CHECK(info.mean.size() == 3 && info.std.size() == 3, path,
                ": mean and std must hold three values each");
    for (const double s : info.std) UFLOW_CHECK(s > 0, path, ": std holds ", s);
  } else {
    const CheckpointInfo info = read_checkpoint_info(path);
    std::printf("  epoch %lld, flow steps %lld, clamp %g\n", static_cast<long long>(info.epoch),
                static_cast<long long>(info.spec.flow_steps), info.spec.clamp);
  }
  const std::vector<std::string> names = list_datasets(path);
  std::vector<SourceTensorInfo> shapes;
  std::map<std::string, int64_t> types;
  int64_t values = 0;
  for (const std::string& name : names) {
    const H5DatasetInfo d = f.dataset_info(name);
    ++types[d.type_name];
    values += shape_numel(d.shape);
    shapes.push_back({name, ElementType::f32, d.shape});
    if (name.rfind("permutation/", 0) == 0) {
      std::vector<int64_t> p = f.read_ints(name);
      std::vector<bool> seen(p.size(), false);
      for (const int64_t i : p) {
        UFLOW_CHECK(i >= 0 && i < static_cast<int64_t>(p.size()) && !seen[static_cast<size_t>(i)],
                    path, ": dataset '", name, "' is not a permutation");
        seen[static_cast<size_t>(i)] = true;
      }
      continue;
    }
    UFLOW_CHECK(d.is_float, path, ": dataset '", name, "' has type ", d.type_name,
                ", expected float32 or float64");
    const Tensor t = f.read_tensor(name, DType::f64);
    const double* v = t.data<double>();
    for (int64_t i = 0; i < t.numel(); ++i)
      UFLOW_CHECK(std::isfinite(v[i]), path, ": dataset '", name, "' holds a non-finite value");
  }
  std::string type_list;
  for (const auto& [t, n] : types) type_list += " " + std::to_string(n) + " " + t;
  std::printf("  %zu datasets, %lld values:%s\n", names.size(), static_cast<long long>(values),
              type_list.c_str());
  if (weights) {
    const std::string arch = read_weight_info(path).arch;
    if (const auto cait = identify_cait(shapes)) {
      std::printf("  shapes: CaiT, width %lld, depth %lld, input %lld (%s)\n",
                  static_cast<long long>(cait->dim), static_cast<long long>(cait->depth),
                  static_cast<long long>(cait->input_size), cait->arch.c_str());
      const std::vector<std::string> timm = cait_config_names();
      const bool timm_arch = std::find(timm.begin(), timm.end(), arch) != timm.end();
      UFLOW_CHECK(!timm_arch || cait->arch == arch, path, ": arch '", arch,
                  "' but the shapes are those of ", cait->arch);
    }
  }
  std::printf("  ok\n");
  return 0;
}

std::unique_ptr<TensorSource> open_source(const std::string& path) {
  std::error_code ec;
  UFLOW_CHECK(fs::is_regular_file(path, ec), path, ": file not found");
  if (TorchCheckpoint::looks_like(path)) return std::make_unique<TorchCheckpoint>(path);
  if (SafetensorsFile::looks_like(path)) return std::make_unique<SafetensorsFile>(path);
  UFLOW_FAIL(path,
             ": unknown format (neither safetensors nor a PyTorch zip checkpoint; "
             "`uflow import --check` reads uflow's own HDF5 files)");
}

}  // namespace

int import_command(const std::vector<std::string>& args) {
  Args a("import",
         "Converts weights to uflow's HDF5 files, without Python. The format is read from the "
         "content: safetensors (model.safetensors), or a PyTorch zip checkpoint "
         "(pytorch_model.bin, .pth, Lightning .ckpt). A plain state dict becomes a weight file "
         "(arch and input size from --arch / --input-size, else from a timm config.json next "
         "to the file, which also gives mean and std, else recognised from a CaiT's shapes; "
         "ImageNet mean and std by default); the "
         "PyTorch reference's trained U-Flow checkpoint becomes a uflow checkpoint plus its two "
         "extractor weight files. With --check, prints what one of uflow's HDF5 files holds and "
         "verifies it.");
  a.positional("file", "the file to convert (or to check, with --check)")
      .option("out", "PATH", "",
              "file to write (default: weights/<arch>.h5; required for a U-Flow checkpoint)")
      .option("arch", "NAME", "", "architecture name recorded in the weight file")
      .option("input-size", "N", "0", "input side in pixels recorded in the weight file")
      .option("config", "PATH", "", "timm config.json (default: config.json next to the file)")
      .option("weights-dir", "DIR", "weights",
              "U-Flow checkpoints: folder for the extractor weight files")
      .flag("check", "print and verify one of uflow's HDF5 files instead");
  if (!a.parse(args)) return 0;
  const std::string path = a.str("file");
  if (a.has("check")) return check_file(path);

  // Each tensor is freed before the next is read, but glibc's adaptive mmap threshold would
  // serve these MB-sized blocks from the heap after the first free, where fragmentation keeps
  // them resident: the full cait_m48_448 import then peaks near 900 MB instead of about 30 MB.
  // A fixed threshold returns every large block to the system when it is freed, and the
  // tensor block cache, which pays off only when a model repeats its sizes, stays off.
  mallopt(M_MMAP_THRESHOLD, 256 * 1024);
  HostBlockCache::process().set_limit(0);
  const std::unique_ptr<TensorSource> source = open_source(path);
  UFLOW_CHECK(!source->tensors().empty(), path, ": holds no tensors");
  if (const auto* ckpt = dynamic_cast<const TorchCheckpoint*>(source.get());
      ckpt && is_reference_uflow(*ckpt)) {
    UFLOW_CHECK(a.has("out"), path, ": a U-Flow checkpoint needs --out checkpoint.h5");
    const ReferenceImport r =
        import_reference_checkpoint(*ckpt, a.str("out"), a.str("weights-dir"));
    for (const std::string& w : r.written) std::printf("wrote %s\n", w.c_str());
    return 0;
  }

  const std::optional<CaitShapes> cait = identify_cait(source->tensors());
  WeightFileInfo info =
      imagenet_weight_info(cait ? cait->arch : "", cait ? cait->input_size : int64_t{0});
  std::string config = a.str("config");
  if (config.empty() && fs::exists(fs::path(path).parent_path() / "config.json"))
    config = (fs::path(path).parent_path() / "config.json").string();
  if (!config.empty()) apply_timm_config(config, info);
  if (a.has("arch")) info.arch = a.str("arch");
  if (a.has("input-size")) info.input_size = a.integer("input-size");
  UFLOW_CHECK(!info.arch.empty(), path,
              ": cannot tell the architecture (no config.json, not a CaiT): pass --arch");
  UFLOW_CHECK(info.input_size > 0, path, ": cannot tell the input size: pass --input-size");
  // The default output is named by the arch, which may come from a downloaded config.json:
  // only a plain file name is accepted there.
  UFLOW_CHECK(a.has("out") || info.arch.find_first_not_of("abcdefghijklmnopqrstuvwxyz"
                                                          "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                                          "0123456789_.-") == std::string::npos,
              path, ": arch '", info.arch, "' is no plain file name: pass --out");
  const std::string out = a.has("out") ? a.str("out") : "weights/" + info.arch + ".h5";
  if (fs::path(out).has_parent_path()) fs::create_directories(fs::path(out).parent_path());

  std::vector<size_t> all(source->tensors().size());
  for (size_t i = 0; i < all.size(); ++i) all[i] = i;
  Progress progress("import", static_cast<int64_t>(all.size()), "tensors");
  write_weight_file(out, *source, all, "", info, &progress);
  progress.finish();
  int64_t values = 0;
  for (const SourceTensorInfo& t : source->tensors()) values += shape_numel(t.shape);
  std::printf("wrote %s: %s, %zu tensors, %lld values, input %lld%s\n", out.c_str(),
              info.arch.c_str(), all.size(), static_cast<long long>(values),
              static_cast<long long>(info.input_size),
              config.empty() ? "" : (", config " + config).c_str());
  return 0;
}

}  // namespace uflow::app
