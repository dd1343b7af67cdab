// A cache keyed by the bytes of a small host array: the GPU copies of the index and weight
// tables that kernels read (permutations, interpolation taps, NFA tables) are made once per
// distinct content instead of once per call, so a training step or a forward pass does not
// wait on host-to-device copies (tensor/cuda/device_tables.h). Least recently used entries are
// dropped beyond a byte budget, except pinned ones (entries a CUDA graph captured: it reads
// them at every replay). Kept apart from CUDA so that it is tested on any machine.
#pragma once
#include <cstddef>
#include <functional>
#include <list>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace uflow {

template <typename V>
class ContentCache {
 public:
  using Make = std::function<V(const void* bytes, size_t nbytes)>;

  explicit ContentCache(size_t budget_bytes) : budget_(budget_bytes) {}
  ContentCache(const ContentCache&) = delete;
  ContentCache& operator=(const ContentCache&) = delete;

  // The value for these bytes, made by `make` on the first request. The reference stays valid
  // until a later get() drops the entry (never, if pinned). pin also pins an existing entry.
  const V& get(const void* bytes, size_t nbytes, const Make& make, bool pin = false) {
    std::lock_guard<std::mutex> lock(mu_);
    const std::string_view key(static_cast<const char*>(bytes), nbytes);
    auto it = index_.find(key);
    if (it != index_.end()) {
      lru_.splice(lru_.begin(), lru_, it->second);  // most recent first
      it->second->pinned = it->second->pinned || pin;
      ++hits_;
      return it->second->value;
    }
    ++misses_;
    lru_.push_front(Entry{std::string(key), make(bytes, nbytes), pin});
    index_.emplace(std::string_view(lru_.front().key), lru_.begin());
    bytes_ += nbytes;
    evict();
    return lru_.front().value;
  }

  size_t entries() const {
    std::lock_guard<std::mutex> lock(mu_);
    return lru_.size();
  }
  size_t bytes() const {
    std::lock_guard<std::mutex> lock(mu_);
    return bytes_;
  }
  size_t hits() const {
    std::lock_guard<std::mutex> lock(mu_);
    return hits_;
  }
  size_t misses() const {
    std::lock_guard<std::mutex> lock(mu_);
    return misses_;
  }

 private:
  struct Entry {
    std::string key;  // the content itself: equal keys are equal contents, never a hash clash
    V value;
    bool pinned;
  };
  using Iter = typename std::list<Entry>::iterator;

  // Drops least recently used unpinned entries while over budget; the newest entry stays.
  void evict() {
    auto it = lru_.end();
    while (bytes_ > budget_ && it != std::next(lru_.begin())) {
      --it;
      if (it->pinned) continue;
      bytes_ -= it->key.size();
      index_.erase(std::string_view(it->key));
      it = lru_.erase(it);
    }
  }

  size_t budget_;
  mutable std::mutex mu_;
  std::list<Entry> lru_;
  std::unordered_map<std::string_view, Iter> index_;  // views into the entries' keys
  size_t bytes_ = 0, hits_ = 0, misses_ = 0;
};

}  // namespace uflow
