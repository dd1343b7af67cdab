// The CUDA caching allocator's bookkeeping (tensor/caching_allocator.h) on a fake device
// memory: size classes, reuse, out-of-memory recovery, statistics, and the private pools that
// keep the blocks of a CUDA graph away from everything else.
#include <doctest/doctest.h>

#include <set>

#include "tensor/caching_allocator.h"
#include "tensor/error.h"

using namespace uflow;

namespace {

// Hands out fake addresses, up to a capacity in bytes; checks every free.
class FakeDeviceMemory final : public DeviceMemorySource {
 public:
  explicit FakeDeviceMemory(size_t capacity = size_t{1} << 40) : capacity_(capacity) {}
  void* malloc(size_t n) override {
    if (used_ + n > capacity_) return nullptr;
    used_ += n;
    next_ += n + 4096;
    void* p = reinterpret_cast<void*>(next_);
    sizes_.emplace(p, n);
    return p;
  }
  void free(void* p) override {
    auto it = sizes_.find(p);
    REQUIRE(it != sizes_.end());  // never a pointer it did not hand out, never twice
    used_ -= it->second;
    sizes_.erase(it);
  }
  size_t used() const { return used_; }
  size_t blocks() const { return sizes_.size(); }

 private:
  size_t capacity_, used_ = 0;
  uintptr_t next_ = 1 << 20;
  std::map<void*, size_t> sizes_;
};

constexpr size_t MiB = size_t{1} << 20;

}  // namespace

TEST_CASE("sizes round to 512 bytes below 1 MiB and to 2 MiB above") {
  CHECK(CachingAllocator::round_size(1) == 512);
  CHECK(CachingAllocator::round_size(512) == 512);
  CHECK(CachingAllocator::round_size(513) == 1024);
  CHECK(CachingAllocator::round_size(MiB - 1) == MiB);
  CHECK(CachingAllocator::round_size(MiB) == 2 * MiB);
  CHECK(CachingAllocator::round_size(2 * MiB + 1) == 4 * MiB);
}

TEST_CASE("freed blocks are reused for sizes up to twice smaller, without device calls") {
  FakeDeviceMemory mem;
  CachingAllocator a(mem);
  void* p = a.allocate(2000);  // 2048 bytes
  a.release(p);
  CHECK(a.stats().cached_bytes == 2048);
  CHECK(a.stats().in_use_bytes == 0);
  CHECK(a.allocate(1100) == p);  // 1536 bytes: the 2048 block is at most twice that
  CHECK(a.stats().device_mallocs == 1);
  a.release(p);
  // A block more than twice the request stays cached; the request gets its own.
  void* q = a.allocate(300);  // 512 bytes: 2048 > 2 * 512
  CHECK(q != p);
  CHECK(a.stats().device_mallocs == 2);
  CHECK(a.stats().in_use_bytes == 512);
  CHECK(a.stats().cached_bytes == 2048);
  // The smallest block that fits is taken.
  void* big = a.allocate(3 * MiB);  // 4 MiB
  a.release(big);
  a.release(q);
  CHECK(a.allocate(500) == q);
  CHECK(a.allocate(3 * MiB + 5) == big);
  CHECK(a.stats().device_mallocs == 3);
  a.release(nullptr);  // unknown pointers are ignored
  a.release(reinterpret_cast<void*>(8));
  CHECK(a.stats().in_use_bytes == 512 + 4 * MiB);
}

TEST_CASE("out of memory gives the cache back once, then fails with a clear error") {
  FakeDeviceMemory mem(8 * MiB);
  CachingAllocator a(mem);
  void* p = a.allocate(4 * MiB);
  void* q = a.allocate(2 * MiB);
  a.release(p);
  CHECK(mem.used() == 6 * MiB);
  // 6 MiB do not fit beside the cached 4 MiB block: the cache is freed and the call retried.
  void* r = a.allocate(6 * MiB);
  CHECK(r != nullptr);
  CHECK(a.stats().device_frees == 1);
  CHECK(a.stats().cached_bytes == 0);
  CHECK(mem.used() == 8 * MiB);
  bool threw = false;
  try {
    a.allocate(MiB);
  } catch (const Error& e) {
    threw = true;
    CHECK(std::string(e.what()).find("CUDA out of memory") != std::string::npos);
  }
  CHECK(threw);
  a.release(q);
  a.release(r);
  a.empty_cache();
  CHECK(mem.used() == 0);
  CHECK(mem.blocks() == 0);
}

TEST_CASE("blocks released during a capture stay in the graph's pool until it is released") {
  FakeDeviceMemory mem;
  CachingAllocator a(mem);
  void* before = a.allocate(1000);  // allocated before the capture, read by the graph
  const CachingAllocator::PoolId pool = a.new_pool();
  a.begin_capture(pool);
  CHECK(a.capturing());
  void* inside = a.allocate(2000);
  a.release(before);  // its last host reference dies during the capture
  a.release(inside);
  // Within the capture the pool's blocks are reused (in stream order inside the graph).
  CHECK(a.allocate(1500) == inside);
  void* output = a.allocate(900);
  CHECK(output == before);
  a.end_capture();
  CHECK_FALSE(a.capturing());
  CHECK(a.stats().cached_bytes == 0);
  // Outside the capture, nothing of the pool is handed out: these are fresh blocks.
  void* other = a.allocate(900);
  CHECK(other != before);
  CHECK(other != inside);
  a.release(other);
  // The graph's output dies after the capture: back to the pool, not to the shared lists.
  a.release(output);
  CHECK(a.allocate(900) == other);
  CHECK(a.stats().pool_bytes == 1024);
  // A later capture into the same pool reuses the pool's blocks.
  a.begin_capture(pool);
  CHECK(a.allocate(700) == before);
  a.end_capture();
  // Freeing the pool: free blocks join the shared lists, live ones join when released.
  a.release_pool(pool);
  CHECK(a.stats().pool_bytes == 0);
  CHECK(a.stats().cached_bytes == 0);
  a.release(before);
  a.release(inside);
  CHECK(a.stats().cached_bytes == 1024 + 2048);
  std::set<void*> seen{a.allocate(1000), a.allocate(2000)};
  CHECK(seen == std::set<void*>{before, inside});
}

TEST_CASE("capture misuse is reported, and the cache is not freed during a capture") {
  FakeDeviceMemory mem(4 * MiB);
  CachingAllocator a(mem);
  CHECK_THROWS_AS(a.begin_capture(0), Error);
  const auto pool = a.new_pool();
  CHECK(a.new_pool() != pool);
  void* p = a.allocate(2 * MiB);
  a.release(p);  // 2 MiB cached in the shared pool
  a.begin_capture(pool);
  CHECK_THROWS_AS(a.begin_capture(pool), Error);
  CHECK_THROWS_AS(a.release_pool(pool), Error);
  // Out of memory inside a capture: freeing would synchronise, so the call fails instead.
  CHECK_THROWS_AS(a.allocate(4 * MiB), Error);
  a.empty_cache();
  CHECK(a.stats().cached_bytes == 2 * MiB);
  a.end_capture();
  a.empty_cache();
  CHECK(a.stats().cached_bytes == 0);
  CHECK(mem.used() == 0);
}
