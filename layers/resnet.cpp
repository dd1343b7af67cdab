#include "layers/resnet.h"

#include "layers/max_pool.h"

namespace uflow {
namespace {

Conv2dOptions conv_options(int64_t kernel, int64_t stride) {
  Conv2dOptions o;
  o.stride_h = o.stride_w = stride;
  o.pad_h = o.pad_w = kernel / 2;
  return o;
}

}  // namespace

std::vector<int64_t> ResNetConfig::channels() const {
  return {64 * expansion(), 128 * expansion(), 256 * expansion()};
}

ResNetConfig resnet18_config() {
  return {"resnet18", ResNetBlockKind::basic, {2, 2, 2}, 64, 64};
}

ResNetConfig wide_resnet50_2_config() {
  return {"wide_resnet50_2", ResNetBlockKind::bottleneck, {3, 4, 6}, 128, 64};
}

ResidualBlock::ResidualBlock(ResNetBlockKind kind, int64_t in, int64_t planes, int64_t stride,
                             int64_t base_width, Generator& gen)
    : kind_(kind) {
  // timm: BasicBlock 3×3 (stride) → 3×3; Bottleneck 1×1 → 3×3 (stride) → 1×1 to 4·planes.
  struct ConvSpec {
    int64_t in, out, kernel, stride;
  };
  std::vector<ConvSpec> specs;
  int64_t out = planes;
  if (kind == ResNetBlockKind::basic) {
    specs = {{in, planes, 3, stride}, {planes, planes, 3, 1}};
  } else {
    const int64_t width = planes * base_width / 64;
    out = planes * 4;
    specs = {{in, width, 1, 1}, {width, width, 3, stride}, {width, out, 1, 1}};
  }
  for (size_t i = 0; i < specs.size(); ++i) {
    const ConvSpec& c = specs[i];
    const std::string n = std::to_string(i + 1);
    convs_.push_back(register_module(
        "conv" + n, std::make_shared<Conv2d>(c.in, c.out, c.kernel,
                                             conv_options(c.kernel, c.stride), false, gen)));
    norms_.push_back(register_module("bn" + n, std::make_shared<BatchNorm2d>(c.out)));
  }
  if (stride != 1 || in != out) {
    auto down = register_module("downsample", std::make_shared<ModuleList>());
    down_conv_ = down->register_module(
        "0", std::make_shared<Conv2d>(in, out, 1, conv_options(1, stride), false, gen));
    down_norm_ = down->register_module("1", std::make_shared<BatchNorm2d>(out));
  }
}

Tensor ResidualBlock::forward(const Tensor& x) const {
  Tensor h = x;
  for (size_t i = 0; i < convs_.size(); ++i) {
    h = norms_[i]->forward(convs_[i]->forward(h));
    if (i + 1 < convs_.size()) h = relu(h);
  }
  const Tensor shortcut = down_conv_ ? down_norm_->forward(down_conv_->forward(x)) : x;
  return relu(h + shortcut);
}

ResNetFeatures::ResNetFeatures(const ResNetConfig& config, Generator& gen) : config_(config) {
  UFLOW_CHECK(config.blocks.size() == 3, "ResNet ", config.name,
              ": give the block counts of layer1, layer2 and layer3");
  conv1_ = register_module(
      "conv1", std::make_shared<Conv2d>(3, config.stem_width, 7, conv_options(7, 2), false, gen));
  bn1_ = register_module("bn1", std::make_shared<BatchNorm2d>(config.stem_width));
  int64_t in = config.stem_width;
  for (size_t s = 0; s < 3; ++s) {
    auto layer = register_module("layer" + std::to_string(s + 1), std::make_shared<ModuleList>());
    const int64_t planes = int64_t(64) << s;
    layers_.emplace_back();
    for (int64_t b = 0; b < config.blocks[s]; ++b) {
      const int64_t stride = s > 0 && b == 0 ? 2 : 1;
      layers_.back().push_back(layer->register_module(
          std::to_string(b), std::make_shared<ResidualBlock>(config.block, in, planes, stride,
                                                             config.base_width, gen)));
      in = planes * config.expansion();
    }
  }
}

std::vector<Tensor> ResNetFeatures::forward(const Tensor& x) const {
  UFLOW_CHECK(x.dim() == 4 && x.size(1) == 3, "ResNet ", config_.name,
              ": expected images (B, 3, H, W), got ", shape_str(x.shape()));
  Tensor h = max_pool2d(relu(bn1_->forward(conv1_->forward(x))), 3, 2, 1);
  std::vector<Tensor> out;
  for (const auto& layer : layers_) {
    for (const auto& block : layer) h = block->forward(h);
    out.push_back(h);
  }
  return out;
}

}  // namespace uflow
