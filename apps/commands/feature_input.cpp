#include "apps/commands/feature_input.h"

#include <filesystem>

namespace fs = std::filesystem;

namespace uflow::app {

std::vector<Tensor> read_numbered(const H5File& f, const std::string& prefix) {
  std::vector<Tensor> out;
  for (int i = 1; f.has(prefix + std::to_string(i)); ++i) {
    Tensor t = kernels::to_dtype(f.read_tensor(prefix + std::to_string(i)), DType::f32);
    UFLOW_CHECK(t.dim() == 4, f.path(), ": dataset ", prefix, i, " must be (B, C, H, W), got ",
                shape_str(t.shape()));
    out.push_back(t);
  }
  UFLOW_CHECK(!out.empty(), f.path(), ": no dataset '", prefix, "1'");
  return out;
}

void write_numbered(H5File& f, const std::string& prefix, const std::vector<Tensor>& ts) {
  for (size_t i = 0; i < ts.size(); ++i)
    f.write_tensor(prefix + std::to_string(i + 1), kernels::to_device(ts[i], Device::cpu));
}

std::vector<Sample> image_samples(const std::string& input, bool normal_only) {
  if (fs::is_directory(fs::path(input) / "test")) {
    std::vector<Sample> test = scan_mvtec(input).test;
    if (normal_only) std::erase_if(test, [](const Sample& s) { return s.anomalous; });
    UFLOW_CHECK(!test.empty(), input, ": no good test images");
    return test;
  }
  if (fs::is_directory(input)) return scan_folder(input);
  UFLOW_CHECK(fs::exists(input), input, ": not found");
  return {{input, "", "", fs::path(input).stem().string(), false}};
}

FeatureSet input_features(const std::string& input, const MsCaitExtractor& extractor, int64_t batch,
                          Device device, bool normal_only) {
  if (fs::is_regular_file(input) && fs::path(input).extension() == ".h5") {
    FeatureSet feats;
    H5File f(input, 'r');
    feats.scales = read_numbered(f, "f");
    feats.rows = feats.scales[0].size(0);
    return feats;
  }
  return extract_features(extractor, image_samples(input, normal_only), batch, device, "features");
}

}  // namespace uflow::app
