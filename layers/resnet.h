// ResNet feature extractors as timm builds them with features_only=True and out_indices
// (1, 2, 3): the outputs of layer1, layer2 and layer3 (strides 4, 8, 16), the alternative
// backbones of the U-Flow reference and of anomalib (resnet18, wide_resnet50_2). Parameter names
// follow timm's state_dict ("layer2.0.downsample.1.running_var"); BatchNorm runs in evaluation
// mode (a frozen extractor).
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "layers/batch_norm.h"
#include "layers/conv2d.h"
#include "layers/module_list.h"

namespace uflow {

enum class ResNetBlockKind { basic, bottleneck };

struct ResNetConfig {
  std::string name;
  ResNetBlockKind block = ResNetBlockKind::basic;
  std::vector<int64_t> blocks;  // residual blocks in layer1, layer2, layer3
  int64_t base_width = 64;      // bottleneck inner width = planes · base_width / 64
  int64_t stem_width = 64;
  int64_t expansion() const { return block == ResNetBlockKind::basic ? 1 : 4; }
  // Channels of the three feature maps.
  std::vector<int64_t> channels() const;
};

ResNetConfig resnet18_config();         // basic blocks 2, 2, 2: 64, 128, 256 channels
ResNetConfig wide_resnet50_2_config();  // bottlenecks 3, 4, 6, width ×2: 256, 512, 1024

// One residual block (timm BasicBlock or Bottleneck) with its optional downsample shortcut.
class ResidualBlock : public Module {
 public:
  ResidualBlock(ResNetBlockKind kind, int64_t in, int64_t planes, int64_t stride,
                int64_t base_width, Generator& gen);
  Tensor forward(const Tensor& x) const;

 private:
  ResNetBlockKind kind_;
  std::vector<std::shared_ptr<Conv2d>> convs_;
  std::vector<std::shared_ptr<BatchNorm2d>> norms_;
  std::shared_ptr<Conv2d> down_conv_;
  std::shared_ptr<BatchNorm2d> down_norm_;
};

class ResNetFeatures : public Module {
 public:
  // Weights are initialised from gen (PyTorch's fan-in rule); load real ones by name.
  ResNetFeatures(const ResNetConfig& config, Generator& gen);
  // x: (B, 3, H, W) normalised images; returns layer1, layer2, layer3 outputs.
  std::vector<Tensor> forward(const Tensor& x) const;
  const ResNetConfig& config() const { return config_; }

 private:
  ResNetConfig config_;
  std::shared_ptr<Conv2d> conv1_;
  std::shared_ptr<BatchNorm2d> bn1_;
  std::vector<std::vector<std::shared_ptr<ResidualBlock>>> layers_;
};

}  // namespace uflow
