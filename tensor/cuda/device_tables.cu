#include <cstring>
#include <memory>

#include "tensor/content_cache.h"
#include "tensor/cuda/check.h"
#include "tensor/cuda/device_buffer.h"
#include "tensor/cuda/device_tables.h"

namespace uflow::cuda {
namespace {

constexpr size_t kTableBudget = size_t{64} << 20;

// Page-locked host memory, so that the copy from it is truly asynchronous.
struct PinnedHost {
  explicit PinnedHost(size_t n) {
    // Like cudaMalloc, cudaMallocHost is not stream-ordered; it may run during a capture.
    cudaStreamCaptureMode mode = cudaStreamCaptureModeRelaxed;
    cudaThreadExchangeStreamCaptureMode(&mode);
    const cudaError_t err = cudaMallocHost(&p, n);
    cudaThreadExchangeStreamCaptureMode(&mode);
    UFLOW_CUDA_CHECK(err);
  }
  ~PinnedHost() {
    if (p) cudaFreeHost(p);
  }
  PinnedHost(const PinnedHost&) = delete;
  PinnedHost& operator=(const PinnedHost&) = delete;
  void* p = nullptr;
};

// The staging copy lives as long as the device copy: the asynchronous copy reads it later.
struct Table {
  std::shared_ptr<PinnedHost> staging;
  std::shared_ptr<DeviceBuffer> device;
};

Table upload(const void* bytes, size_t n) {
  Table t;
  if (n == 0) return t;
  t.staging = std::make_shared<PinnedHost>(n);
  std::memcpy(t.staging->p, bytes, n);
  t.device = std::make_shared<DeviceBuffer>(n);
  UFLOW_CUDA_CHECK(
      cudaMemcpyAsync(t.device->get(), t.staging->p, n, cudaMemcpyHostToDevice, stream()));
  return t;
}

ContentCache<Table>& tables() {
  static auto* cache = new ContentCache<Table>(kTableBudget);  // outlives static tensors
  return *cache;
}

}  // namespace

const void* device_table(const void* bytes, size_t nbytes) {
  const Table& t = tables().get(bytes, nbytes, upload, capturing());
  return t.device ? t.device->get() : nullptr;
}

DeviceTableStats device_table_stats() {
  const ContentCache<Table>& c = tables();
  return {c.entries(), c.bytes(), c.misses(), c.hits()};
}

}  // namespace uflow::cuda
