// Scratch memory on the GPU for the duration of one launcher: taken from the caching allocator
// and given back when the object goes away, possibly while kernels that use it are still
// queued; the allocator's single-stream order (tensor/caching_allocator.h) makes that safe.
#pragma once
#include <cstddef>

#include "tensor/cuda/runtime.h"

namespace uflow::cuda {

class DeviceBuffer {
 public:
  explicit DeviceBuffer(size_t nbytes) : n_(nbytes), p_(nbytes ? allocate(nbytes) : nullptr) {}
  ~DeviceBuffer() {
    if (p_) release(p_, n_);
  }
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;

  void* get() const { return p_; }
  size_t size() const { return n_; }
  template <typename T>
  T* as() const {
    return static_cast<T*>(p_);
  }

 private:
  size_t n_;
  void* p_;
};

}  // namespace uflow::cuda
