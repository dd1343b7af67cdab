// A cache of large freed CPU blocks, reused for requests of exactly the same size.
//
// Why: glibc serves allocations above 32 MiB with a fresh mmap and unmaps them on free, so every
// large tensor of a forward pass (at batch 8 the paper extractor's attention logits are 315 MB,
// its MLP hiddens 77 MB) costs a page fault and a page zeroing per 4 KiB on first touch, again
// for every block of the network. A model's blocks ask for the same sizes over and over, so
// keeping those blocks and handing them back for an identical request removes that cost. Only
// exact sizes are reused, so a cached block never holds memory a request does not need, and
// the cache is capped: beyond the cap the oldest cached blocks go back to the system.
//
// The process-wide instance behind Storage is capped by UFLOW_CPU_CACHE_MB (default 1024; 0
// turns it off) and is off under AddressSanitizer, whose use-after-free checks need every free
// to be real. Contents of a reused block are whatever its last user left there.
#pragma once
#include <cstddef>
#include <cstdint>
#include <list>
#include <mutex>
#include <unordered_map>

namespace uflow {

class HostBlockCache {
 public:
  // Blocks smaller than this come and go through the system allocator untouched.
  static constexpr size_t kMinBytes = size_t{1} << 20;

  explicit HostBlockCache(size_t limit_bytes) : limit_(limit_bytes) {}
  ~HostBlockCache();
  HostBlockCache(const HostBlockCache&) = delete;
  HostBlockCache& operator=(const HostBlockCache&) = delete;

  // A 64-byte-aligned block of at least nbytes (nbytes > 0); nullptr when out of memory.
  void* allocate(size_t nbytes);
  // Gives back a block from allocate(nbytes) with the same nbytes.
  void release(void* ptr, size_t nbytes);

  // Frees every cached block; a limit of 0 turns caching off.
  void set_limit(size_t limit_bytes);
  void clear();
  size_t cached_bytes() const;
  size_t hits() const;

  // The instance Storage uses.
  static HostBlockCache& process();

 private:
  struct Entry {
    size_t bytes;
    void* ptr;
  };
  void trim_to(size_t bytes);  // caller holds mu_

  mutable std::mutex mu_;
  size_t limit_;
  size_t cached_ = 0;
  size_t hits_ = 0;
  std::list<Entry> order_;  // oldest first
  std::unordered_multimap<size_t, std::list<Entry>::iterator> by_size_;
};

}  // namespace uflow
