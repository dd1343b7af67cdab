#include "layers/resnet_extractor.h"

namespace uflow {

ResNetExtractor::ResNetExtractor(const ResNetConfig& config, int64_t input_size, Generator& gen)
    : model_(std::make_shared<ResNetFeatures>(config, gen)), input_size_(input_size) {
  UFLOW_CHECK(input_size >= 16 && input_size % 16 == 0, "ResNet extractor ", config.name,
              ": input size ", input_size, " is not a positive multiple of 16");
  model_->requires_grad(false);
  model_->train(false);
}

std::vector<std::string> ResNetExtractor::unbuilt_prefixes() const {
  std::vector<std::string> out{"layer4.", "fc."};
  // Every BatchNorm's running statistics end in running_var; its counter sits beside them.
  const std::string stat = "running_var";
  for (const auto& [name, p] : model_->named_parameters())
    if (name.size() > stat.size() &&
        name.compare(name.size() - stat.size(), stat.size(), stat) == 0)
      out.push_back(name.substr(0, name.size() - stat.size()) + "num_batches_tracked");
  return out;
}

std::vector<Tensor> ResNetExtractor::forward(const Tensor& images) const {
  NoGradGuard no_grad;
  UFLOW_CHECK(images.dim() == 4 && images.size(2) == input_size_ && images.size(3) == input_size_,
              "ResNet extractor ", model_->config().name, ": expected (B, 3, ", input_size_, ", ",
              input_size_, ") images, got ", shape_str(images.shape()));
  return model_->forward(images);
}

std::vector<Shape> resnet_feature_shapes(const ResNetConfig& config, int64_t input_size) {
  const std::vector<int64_t> channels = config.channels();
  std::vector<Shape> out;
  for (size_t s = 0; s < channels.size(); ++s) {
    const int64_t side = input_size / (int64_t(4) << s);  // strides 4, 8, 16
    out.push_back({channels[s], side, side});
  }
  return out;
}

std::vector<Shape> ResNetExtractor::feature_shapes() const {
  return resnet_feature_shapes(model_->config(), input_size_);
}

}  // namespace uflow
