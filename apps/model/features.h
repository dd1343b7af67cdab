// Runs the frozen extractor once over a set of images and keeps the feature maps, so that
// training epochs only run the flow.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "apps/data/dataset.h"
#include "layers/feature_extractor.h"

namespace uflow {
class H5File;  // weights/hdf5_file.h
}  // namespace uflow

namespace uflow::app {

// Per scale, all images' features stacked: (N, C_s, H_s, W_s), f32 — in memory, or in an HDF5
// cache file (datasets f1, f2, ...) when they would not fit.
struct FeatureSet {
  std::vector<Tensor> scales;    // in memory (empty when on disk)
  std::shared_ptr<H5File> disk;  // the cache file, when on disk
  int64_t rows = 0;
  int64_t count() const { return rows; }
  // The rows `index` of every scale, moved to `device`. Scales already on `device` are
  // gathered there (no copy from the host, so no wait for the GPU).
  std::vector<Tensor> batch(const std::vector<int64_t>& index, Device device) const;
  // The in-memory scales copied to `device` when they fit in a quarter of its free memory
  // (a training run then gathers its batches on the GPU); otherwise a copy of *this.
  FeatureSet resident_on(Device device) const;
};

// Decodes, resizes and normalises images into (B, 3, size, size) f32 on the CPU.
Tensor load_image_batch(const std::vector<Sample>& samples, int64_t size);

// Where features go when they exceed memory_limit bytes (the file is created, overwritten).
struct FeatureCache {
  std::string path;  // empty: always in memory
  int64_t memory_limit = 8LL << 30;
};

// Extracts features for all samples, `batch` images at a time, on `device`.
FeatureSet extract_features(const FeatureExtractor& extractor, const std::vector<Sample>& samples,
                            int64_t batch, Device device, const std::string& label,
                            const FeatureCache& cache = {});

}  // namespace uflow::app
