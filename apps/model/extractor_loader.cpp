// Building the extractor of a ModelSpec: seeded random weights for "small"; for "paper", timm
// weights from <weights_dir>/<model>.h5 (written by tools/export_timm.py), mapped by name.
#include <filesystem>

#include "apps/model/hdf5_io.h"
#include "apps/model/model_spec.h"

namespace fs = std::filesystem;

namespace uflow::app {
namespace {

// Loads every parameter the (truncated) model has from the file's datasets of the same name;
// the file's other keys (later blocks, class stage, head) are not needed and are ignored.
void load_timm_weights(Cait& model, const std::string& path) {
  UFLOW_CHECK(fs::exists(path), path,
              ": extractor weights not found (create them with tools/export_timm.py, see README)");
  H5File f(path, 'r');
  UFLOW_CHECK(f.has_attr("format") && f.attr_string("format") == "uflow-weights", path,
              ": not a uflow weights file (attribute format != uflow-weights)");
  for (const auto& [name, p] : model.named_parameters()) {
    UFLOW_CHECK(f.has(name), path, ": key '", name, "' is missing");
    const Tensor v = f.read_tensor(name);
    UFLOW_CHECK(v.shape() == p.shape(), path, ": key '", name, "' has shape ",
                shape_str(v.shape()), ", expected ", shape_str(p.shape()));
    model.set_parameter(name, kernels::to_dtype(v, DType::f32));
  }
  model.requires_grad(false);
}

}  // namespace

std::unique_ptr<MsCaitExtractor> build_extractor(const ModelSpec& spec) {
  Generator gen(spec.extractor_seed);
  auto ex = std::make_unique<MsCaitExtractor>(extractor_config(spec), gen);
  if (spec.extractor == "paper")
    for (size_t i = 0; i < ex->scales(); ++i)
      load_timm_weights(ex->model(i),
                        (fs::path(spec.weights_dir) / (ex->config().scales[i].model.name + ".h5"))
                            .string());
  return ex;
}

}  // namespace uflow::app
