#include "apps/model/features.h"

#include <cstdio>

#include "apps/cli/progress.h"
#include "imaging/image_io.h"
#include "imaging/preprocess.h"
#include "tensor/cuda/runtime.h"
#include "tensor/ops.h"
#include "weights/hdf5_file.h"

namespace uflow::app {

std::vector<Tensor> FeatureSet::batch(const std::vector<int64_t>& index, Device device) const {
  std::vector<Tensor> out;
  if (disk) {
    for (size_t s = 0; disk->has("f" + std::to_string(s + 1)); ++s) {
      std::vector<Tensor> rows_;
      for (int64_t i : index) rows_.push_back(disk->read_rows("f" + std::to_string(s + 1), i, 1));
      out.push_back(kernels::to_device(kernels::cat(rows_, 0), device));
    }
    return out;
  }
  for (const Tensor& s : scales) {
    if (s.device() != Device::cpu) {
      std::vector<Tensor> rows_;
      for (int64_t i : index) rows_.push_back(kernels::narrow(s, 0, i, 1));
      out.push_back(kernels::to_device(kernels::cat(rows_, 0), device));
      continue;
    }
    const int64_t row = s.numel() / s.size(0);
    Shape shape = s.shape();
    shape[0] = static_cast<int64_t>(index.size());
    Tensor b = Tensor::empty(shape, s.dtype(), Device::cpu);
    const float* src = s.data<float>();
    float* dst = b.data<float>();
    for (size_t i = 0; i < index.size(); ++i)
      std::copy(src + index[i] * row, src + (index[i] + 1) * row, dst + i * row);
    out.push_back(kernels::to_device(b, device));
  }
  return out;
}

FeatureSet FeatureSet::resident_on(Device device) const {
  if (device == Device::cpu || disk) return *this;
  size_t bytes = 0;
  for (const Tensor& s : scales) bytes += static_cast<size_t>(s.numel()) * dtype_size(s.dtype());
  if (bytes > cuda::memory_info().free_bytes / 4) return *this;
  FeatureSet out = *this;
  for (Tensor& s : out.scales) s = kernels::to_device(s, device);
  return out;
}

Tensor load_image_batch(const std::vector<Sample>& samples, int64_t size) {
  std::vector<Tensor> imgs;
  for (const Sample& s : samples) imgs.push_back(preprocess_image(load_image_rgb(s.image), size));
  return kernels::cat(imgs, 0);
}

FeatureSet extract_features(const FeatureExtractor& extractor, const std::vector<Sample>& samples,
                            int64_t batch, Device device, const std::string& label,
                            const FeatureCache& cache) {
  const int64_t n = static_cast<int64_t>(samples.size());
  const int64_t size = extractor.input_size();
  int64_t bytes = 0;
  for (const Shape& s : extractor.feature_shapes()) bytes += n * shape_numel(s) * 4;
  FeatureSet set;
  set.rows = n;
  if (!cache.path.empty() && bytes > cache.memory_limit) {
    std::printf("features: %.1f GB exceed the memory limit; caching them in %s\n", bytes / 1e9,
                cache.path.c_str());
    set.disk = std::make_shared<H5File>(cache.path, 'w');
    const auto shapes = extractor.feature_shapes();
    for (size_t s = 0; s < shapes.size(); ++s)
      set.disk->create_rows("f" + std::to_string(s + 1), n, shapes[s], DType::f32);
  }
  std::vector<std::vector<Tensor>> parts(extractor.scales());
  Progress bar(label, n);
  for (int64_t start = 0; start < n; start += batch) {
    const int64_t end = std::min(n, start + batch);
    std::vector<Sample> chunk(samples.begin() + start, samples.begin() + end);
    Tensor images = kernels::to_device(load_image_batch(chunk, size), device);
    std::vector<Tensor> f = extractor.forward(images);
    for (size_t s = 0; s < f.size(); ++s) {
      if (set.disk)
        set.disk->write_rows("f" + std::to_string(s + 1), start, f[s]);
      else
        parts[s].push_back(kernels::to_device(f[s], Device::cpu));
    }
    bar.advance(end - start);
  }
  bar.finish();
  if (!set.disk)
    for (auto& p : parts) set.scales.push_back(kernels::cat(p, 0));
  return set;
}

}  // namespace uflow::app
