// The small CUDA runtime surface the rest of the library uses. In a build without CUDA these
// functions exist too: gpu_status() says "built without CUDA", available() is false and the
// others throw.
#pragma once
#include <cstddef>
#include <string>

#include "tensor/caching_allocator.h"
#include "tensor/dtype.h"

namespace uflow::cuda {

// What the first look for a GPU found. no_gpu is the normal state of a machine without one
// (CUDA reports no device, or no CUDA driver is installed); unusable is a GPU that CUDA cannot
// use (a driver older than this build's runtime, an initialisation error).
enum class GpuState { usable, not_built, no_gpu, unusable };
struct GpuStatus {
  GpuState state = GpuState::not_built;
  std::string reason;  // one line saying why, empty when usable
};
GpuStatus gpu_status();
// True when the build has CUDA and a usable GPU is present. Silent: what to tell the user is
// the command line's business (apps/commands/device_option.h).
bool available();
// Memory from the caching allocator (tensor/caching_allocator.h: no cudaMalloc once the cache
// is warm; blocks are reused in the order of the library's one stream).
void* allocate(size_t nbytes);
void release(void* ptr, size_t nbytes);
// Copies between any pair of devices; asynchronous on the library's stream when both
// sides are on the GPU, synchronous when the host is involved.
void copy_bytes(void* dst, Device dst_dev, const void* src, Device src_dev, size_t nbytes);
void synchronize();
// Allocator statistics for tests and the bench.
using AllocatorStats = CachingAllocatorStats;
AllocatorStats allocator_stats();
void empty_cache();
// Free and total memory of the GPU (zeros without one).
struct MemoryInfo {
  size_t free_bytes = 0, total_bytes = 0;
};
MemoryInfo memory_info();
// True while a CUDA graph capture (tensor/cuda/graph.h) is recording the library's stream.
bool capturing();

}  // namespace uflow::cuda

namespace uflow {
// cuda when a GPU is usable, cpu otherwise.
inline Device default_device() {
  return cuda::available() ? Device::cuda : Device::cpu;
}
}  // namespace uflow
