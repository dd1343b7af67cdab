#include "tensor/storage.h"

#include <cstdlib>
#include <new>

#include "tensor/cuda/runtime.h"
#include "tensor/profiler.h"

namespace uflow {

Storage::Storage(size_t nbytes, Device device) : nbytes_(nbytes), device_(device) {
  if (nbytes == 0) return;
  profile::Scope scope(profile::Kind::allocation);
  if (device == Device::cpu) {
    // 64-byte alignment keeps OpenBLAS and vectorised loops on their fast paths.
    const size_t rounded = (nbytes + 63) / 64 * 64;
    data_ = std::aligned_alloc(64, rounded);
    if (!data_) throw std::bad_alloc();
  } else {
    data_ = cuda::allocate(nbytes);
  }
}

Storage::~Storage() {
  if (!data_) return;
  if (device_ == Device::cpu)
    std::free(data_);
  else
    cuda::release(data_, nbytes_);
}

}  // namespace uflow
