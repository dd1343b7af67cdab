// GPU copies of the small host tables kernels read (permutation indices, interpolation taps and
// weights, NFA lookup tables), made once per distinct content (tensor/content_cache.h) and kept
// on the device: a call whose table was seen before queues no host-to-device copy, so it never
// waits for the device. A first upload goes through pinned memory owned by the cache entry,
// asynchronously on the library stream. Entries used while a CUDA graph is being captured are
// pinned for the life of the process (the graph reads them at every replay). Included only by
// tensor/cuda/*.cu and contrario/cuda/*.cu.
#pragma once
#include <cstddef>
#include <vector>

namespace uflow::cuda {

// Device memory holding a copy of bytes[0, nbytes), valid until the process ends or the entry
// is dropped (least recently used beyond 64 MiB of tables; stream order keeps queued readers
// safe).
const void* device_table(const void* bytes, size_t nbytes);

template <typename T>
const T* device_table(const std::vector<T>& v) {
  return static_cast<const T*>(device_table(v.data(), v.size() * sizeof(T)));
}

struct DeviceTableStats {
  size_t entries = 0, bytes = 0, uploads = 0, hits = 0;
};
DeviceTableStats device_table_stats();

}  // namespace uflow::cuda
