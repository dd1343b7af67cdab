#include "apps/cli/model_options.h"

#include "apps/model/spec_limits.h"
#include "tensor/error.h"

namespace uflow::app {

int64_t input_size_option(const Args& a) {
  const int64_t v = a.integer("input-size", limits::kInputSize);
  UFLOW_CHECK(v % limits::kInputSizeMultiple == 0, "option --input-size: ", v,
              " is not a multiple of ", limits::kInputSizeMultiple);
  return v;
}

void add_extractor_options(Args& a) {
  a.option("extractor", "small|paper|resnet18|wide_resnet50_2", "paper",
           "feature extractor: the paper's MS-CaiT (needs --weights), a small seeded random CaiT "
           "that needs no download, or a timm ResNet's layers 1-3 (needs --weights or "
           "--random-backbone)")
      .option("weights", "dir", "weights",
              "folder with cait_m48_448.h5 and cait_s24_224.h5, or resnet18.h5 / "
              "wide_resnet50_2.h5 (written by uflow import)")
      .flag("random-backbone",
            "ResNet extractors: seeded random weights instead of --weights (no download; for "
            "tests and demos, the features carry no ImageNet knowledge)")
      .option("input-size", "px", "448",
              "image size of the small extractor and the ResNets (default 256 for the ResNets)");
}

void apply_extractor_options(const Args& a, ModelSpec& spec) {
  spec.extractor = parse_extractor_kind(a.str("extractor"), "--extractor");
  spec.weights_dir = a.str("weights");
  spec.random_backbone = a.has("random-backbone");
  UFLOW_CHECK(!spec.random_backbone || is_resnet(spec.extractor),
              "option --random-backbone: only for the ResNet extractors (the small extractor "
              "is always random, the paper's never)");
  spec.input_size = a.has("input-size") ? input_size_option(a) : default_input_size(spec.extractor);
}

}  // namespace uflow::app
