#include "tensor/caching_allocator.h"

#include "tensor/error.h"

namespace uflow {

size_t CachingAllocator::round_size(size_t nbytes) {
  const size_t q = nbytes < (size_t{1} << 20) ? 512 : (size_t{2} << 20);
  const size_t n = nbytes == 0 ? 1 : nbytes;
  return (n + q - 1) / q * q;
}

void* CachingAllocator::take_free(PoolId pool, size_t size) {
  auto lists = free_.find(pool);
  if (lists == free_.end()) return nullptr;
  auto it = lists->second.lower_bound(size);
  // Reuse a cached block unless it is much larger than asked (avoids pinning huge blocks).
  if (it == lists->second.end() || it->first > 2 * size) return nullptr;
  void* p = it->second;
  const size_t got = it->first;
  lists->second.erase(it);
  if (pool == 0)
    stats_.cached_bytes -= got;
  else
    stats_.pool_bytes -= got;
  stats_.in_use_bytes += got;
  live_[p] = Block{got, pool};
  return p;
}

void CachingAllocator::free_shared_cache() {
  auto lists = free_.find(0);
  if (lists == free_.end()) return;
  for (auto& [size, p] : lists->second) {
    source_.free(p);
    ++stats_.device_frees;
  }
  lists->second.clear();
  stats_.cached_bytes = 0;
}

void* CachingAllocator::allocate(size_t nbytes) {
  const size_t size = round_size(nbytes);
  std::lock_guard<std::mutex> lock(mu_);
  const PoolId pool = capture_pool_;
  if (void* p = take_free(pool, size)) return p;
  void* p = source_.malloc(size);
  if (!p && pool == 0) {
    // Out of memory with a full cache: give the cache back and try once more.
    free_shared_cache();
    p = source_.malloc(size);
  }
  UFLOW_CHECK(p, "CUDA out of memory: cannot allocate ", size, " bytes (", stats_.in_use_bytes,
              " in use, ", stats_.cached_bytes, " cached, ", stats_.pool_bytes,
              " held for CUDA graphs)", pool ? " during a graph capture" : "");
  ++stats_.device_mallocs;
  stats_.in_use_bytes += size;
  live_[p] = Block{size, pool};
  return p;
}

void CachingAllocator::release(void* ptr) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = live_.find(ptr);
  if (it == live_.end()) return;
  // During a capture every released block joins the capture's pool: the graph may read it at
  // replay even if it was allocated before the capture began.
  const PoolId pool = capture_pool_ != 0 ? capture_pool_ : it->second.pool;
  const size_t size = it->second.size;
  live_.erase(it);
  free_[pool].emplace(size, ptr);
  stats_.in_use_bytes -= size;
  if (pool == 0)
    stats_.cached_bytes += size;
  else
    stats_.pool_bytes += size;
}

CachingAllocator::PoolId CachingAllocator::new_pool() {
  std::lock_guard<std::mutex> lock(mu_);
  return next_pool_++;
}

void CachingAllocator::begin_capture(PoolId pool) {
  std::lock_guard<std::mutex> lock(mu_);
  UFLOW_CHECK(pool != 0, "CUDA graph capture needs a private pool (new_pool())");
  UFLOW_CHECK(capture_pool_ == 0, "a CUDA graph capture is already active");
  capture_pool_ = pool;
}

void CachingAllocator::end_capture() {
  std::lock_guard<std::mutex> lock(mu_);
  capture_pool_ = 0;
}

bool CachingAllocator::capturing() const {
  std::lock_guard<std::mutex> lock(mu_);
  return capture_pool_ != 0;
}

void CachingAllocator::release_pool(PoolId pool) {
  if (pool == 0) return;
  std::lock_guard<std::mutex> lock(mu_);
  UFLOW_CHECK(pool != capture_pool_, "release_pool: the pool's capture is still active");
  auto lists = free_.find(pool);
  if (lists != free_.end()) {
    for (auto& [size, p] : lists->second) {
      free_[0].emplace(size, p);
      stats_.pool_bytes -= size;
      stats_.cached_bytes += size;
    }
    free_.erase(pool);
  }
  for (auto& [p, block] : live_)
    if (block.pool == pool) block.pool = 0;
}

void CachingAllocator::empty_cache() {
  std::lock_guard<std::mutex> lock(mu_);
  if (capture_pool_ != 0) return;  // freeing device memory would break the capture
  free_shared_cache();
}

CachingAllocatorStats CachingAllocator::stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  return stats_;
}

}  // namespace uflow
