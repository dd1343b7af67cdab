#include "layers/ms_cait.h"

namespace uflow {

MsCaitConfig ms_cait_paper_config() {
  MsCaitConfig c;
  c.scales.push_back({cait_config("cait_m48_448"), 40});
  c.scales.push_back({cait_config("cait_s24_224"), 20});
  return c;
}

MsCaitConfig ms_cait_small_config(int64_t input, int64_t depth, int64_t tap) {
  MsCaitConfig c;
  for (int64_t size : {input, input / 2}) {
    CaitConfig m;
    m.name = "cait_small_" + std::to_string(size);
    m.img_size = size;
    m.dim = 192;
    m.depth = depth;
    m.heads = 4;
    c.scales.push_back({m, tap});
  }
  return c;
}

MsCaitExtractor::MsCaitExtractor(const MsCaitConfig& cfg, Generator& gen) : cfg_(cfg) {
  UFLOW_CHECK(!cfg.scales.empty(), "MS-CaiT needs at least one scale");
  for (const MsCaitScale& s : cfg.scales) {
    UFLOW_CHECK(s.tap >= 0 && s.tap < s.model.depth, "MS-CaiT: tap ", s.tap, " outside the ",
                s.model.depth, " blocks of ", s.model.name);
    auto m = std::make_shared<Cait>(s.model, gen, CaitParts{s.tap + 1, false});
    m->requires_grad(false);
    m->train(false);
    models_.push_back(std::move(m));
  }
}

std::vector<Tensor> MsCaitExtractor::forward(const Tensor& images) const {
  NoGradGuard no_grad;
  std::vector<Tensor> feats;
  for (size_t i = 0; i < models_.size(); ++i) {
    const int64_t size = cfg_.scales[i].model.img_size;
    Tensor x = images;
    if (images.size(2) != size || images.size(3) != size)
      x = interpolate(images, size, size, InterpMode::bicubic, true);
    feats.push_back(models_[i]->forward_features(x, cfg_.scales[i].tap));
  }
  return feats;
}

std::vector<Shape> MsCaitExtractor::feature_shapes() const {
  std::vector<Shape> out;
  for (const MsCaitScale& s : cfg_.scales)
    out.push_back({s.model.dim, s.model.grid(), s.model.grid()});
  return out;
}

void MsCaitExtractor::to(Device d) {
  for (auto& m : models_) m->to(d);
}

}  // namespace uflow
