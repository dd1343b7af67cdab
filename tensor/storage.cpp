#include "tensor/storage.h"

#include <cstdlib>
#include <new>

#include "tensor/cuda/runtime.h"
#include "tensor/host_block_cache.h"
#include "tensor/profiler.h"

namespace uflow {

Storage::Storage(size_t nbytes, Device device) : nbytes_(nbytes), device_(device) {
  if (nbytes == 0) return;
  profile::Scope scope(profile::Kind::allocation);
  if (device == Device::cpu) {
    // 64-byte alignment keeps OpenBLAS and vectorised loops on their fast paths; large blocks
    // are recycled by size (host_block_cache.h).
    data_ = HostBlockCache::process().allocate(nbytes);
    if (!data_) throw std::bad_alloc();
  } else {
    data_ = cuda::allocate(nbytes);
  }
}

Storage::~Storage() {
  if (!data_) return;
  if (device_ == Device::cpu)
    HostBlockCache::process().release(data_, nbytes_);
  else
    cuda::release(data_, nbytes_);
}

}  // namespace uflow
