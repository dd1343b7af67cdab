#include "apps/data/map_file.h"

#include "contrario/latent_range.h"
#include "tensor/ops.h"
#include "weights/finite_check.h"

namespace uflow::app {

std::vector<Tensor> read_numbered_maps(const std::string& path, const std::string& prefix,
                                       MapKind kind, const MapFileLimits& limits) {
  H5File f(path, 'r');
  std::vector<Tensor> out;
  int64_t elements = 0;
  for (int i = 1; f.has(prefix + std::to_string(i)); ++i) {
    const std::string name = prefix + std::to_string(i);
    const H5DatasetInfo info = f.dataset_info(name);
    UFLOW_CHECK(info.is_float, path, ": dataset '", name, "' has type ", info.type_name,
                ", expected float32 or float64");
    UFLOW_CHECK(info.shape.size() == 4, path, ": dataset '", name, "' must be (B, C, H, W), got ",
                shape_str(info.shape));
    for (int64_t d : info.shape)
      UFLOW_CHECK(d > 0, path, ": dataset '", name, "' is empty: ", shape_str(info.shape));
    UFLOW_CHECK(out.empty() || info.shape[0] == out[0].size(0), path, ": dataset '", name,
                "' holds ", info.shape[0], " samples but '", prefix, "1' holds ", out[0].size(0));
    const int64_t n = shape_numel(info.shape);
    UFLOW_CHECK(n <= limits.max_elements - elements, path, ": dataset '", name, "' of shape ",
                shape_str(info.shape), " takes the file beyond ", limits.max_elements,
                " values in all");
    elements += n;
    Tensor t = kernels::to_dtype(f.read_tensor(name), DType::f32);
    if (kind == MapKind::latents) {
      const std::string problem = contrario::latent_range_problem(t);
      UFLOW_CHECK(problem.empty(), path, ": dataset '", name, "' ", problem);
    } else {
      require_finite(t, path, name);
    }
    out.push_back(std::move(t));
  }
  UFLOW_CHECK(!out.empty(), path, ": no dataset '", prefix, "1'");
  return out;
}

void write_numbered_maps(H5File& f, const std::string& prefix, const std::vector<Tensor>& maps) {
  for (size_t i = 0; i < maps.size(); ++i)
    f.write_tensor(prefix + std::to_string(i + 1), kernels::to_device(maps[i], Device::cpu));
}

}  // namespace uflow::app
