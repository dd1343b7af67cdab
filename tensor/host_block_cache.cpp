#include "tensor/host_block_cache.h"

#include <cstdlib>
#include <string>

namespace uflow {
namespace {

size_t rounded(size_t nbytes) {
  return (nbytes + 63) / 64 * 64;
}

bool under_address_sanitizer() {
#if defined(__SANITIZE_ADDRESS__)
  return true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
  return true;
#else
  return false;
#endif
#else
  return false;
#endif
}

// UFLOW_CPU_CACHE_MB as bytes; a value that is not a plain non-negative number keeps the default.
size_t limit_from_environment() {
  constexpr size_t kDefaultMb = 1024;
  if (under_address_sanitizer()) return 0;
  const char* v = std::getenv("UFLOW_CPU_CACHE_MB");
  if (!v || !*v) return kDefaultMb << 20;
  char* end = nullptr;
  const unsigned long long mb = std::strtoull(v, &end, 10);
  if (*end != '\0' || v[0] == '-' || mb > (size_t{1} << 24)) return kDefaultMb << 20;
  return static_cast<size_t>(mb) << 20;
}

}  // namespace

HostBlockCache::~HostBlockCache() {
  clear();
}

void* HostBlockCache::allocate(size_t nbytes) {
  const size_t bytes = rounded(nbytes);
  if (bytes >= kMinBytes) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = by_size_.find(bytes);
    if (it != by_size_.end()) {
      void* ptr = it->second->ptr;
      order_.erase(it->second);
      by_size_.erase(it);
      cached_ -= bytes;
      ++hits_;
      return ptr;
    }
  }
  return std::aligned_alloc(64, bytes);
}

void HostBlockCache::release(void* ptr, size_t nbytes) {
  if (!ptr) return;
  const size_t bytes = rounded(nbytes);
  if (bytes >= kMinBytes) {  // small blocks never take the lock
    std::lock_guard<std::mutex> lock(mu_);
    if (bytes <= limit_) {
      trim_to(limit_ - bytes);
      order_.push_back({bytes, ptr});
      by_size_.emplace(bytes, std::prev(order_.end()));
      cached_ += bytes;
      return;
    }
  }
  std::free(ptr);
}

void HostBlockCache::trim_to(size_t bytes) {
  while (cached_ > bytes) {
    const Entry oldest = order_.front();
    auto range = by_size_.equal_range(oldest.bytes);
    for (auto it = range.first; it != range.second; ++it)
      if (it->second == order_.begin()) {
        by_size_.erase(it);
        break;
      }
    order_.pop_front();
    cached_ -= oldest.bytes;
    std::free(oldest.ptr);
  }
}

void HostBlockCache::set_limit(size_t limit_bytes) {
  std::lock_guard<std::mutex> lock(mu_);
  limit_ = limit_bytes;
  trim_to(0);
}

void HostBlockCache::clear() {
  std::lock_guard<std::mutex> lock(mu_);
  trim_to(0);
}

size_t HostBlockCache::cached_bytes() const {
  std::lock_guard<std::mutex> lock(mu_);
  return cached_;
}

size_t HostBlockCache::hits() const {
  std::lock_guard<std::mutex> lock(mu_);
  return hits_;
}

HostBlockCache& HostBlockCache::process() {
  // Never destroyed: tensors with static storage duration may release into it at exit.
  static HostBlockCache* cache = new HostBlockCache(limit_from_environment());
  return *cache;
}

}  // namespace uflow
