// Runtime for builds without the CUDA backend: every tensor lives on the CPU.
#include "tensor/cuda/runtime.h"

namespace uflow::cuda {

GpuStatus gpu_status() {
  return {GpuState::not_built, "built without CUDA"};
}
bool available() {
  return false;
}
void* allocate(size_t) {
  UFLOW_FAIL("this uflow build has no CUDA backend");
}
void release(void*, size_t) {}
void copy_bytes(void*, Device, const void*, Device, size_t) {
  UFLOW_FAIL("this uflow build has no CUDA backend");
}
void synchronize() {}
AllocatorStats allocator_stats() {
  return {};
}
void empty_cache() {}

}  // namespace uflow::cuda
