#include "apps/commands/feature_input.h"

#include <filesystem>

#include "apps/data/map_file.h"

namespace fs = std::filesystem;

namespace uflow::app {

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

FeatureSet input_features(const std::string& input, const FeatureExtractor& extractor,
                          int64_t batch, Device device, bool normal_only) {
  if (fs::is_regular_file(input) && fs::path(input).extension() == ".h5") {
    FeatureSet feats;
    feats.scales = read_numbered_maps(input, "f", MapKind::features);
    feats.rows = feats.scales[0].size(0);
    return feats;
  }
  return extract_features(extractor, image_samples(input, normal_only), batch, device, "features");
}

}  // namespace uflow::app
