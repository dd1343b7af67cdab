// The CPU block cache behind Storage (tensor/host_block_cache.h): exact-size reuse, the cap,
// eviction of the oldest blocks, and small blocks left to the system allocator.
#include <doctest/doctest.h>

#include <cstdint>
#include <cstring>

#include "tensor/host_block_cache.h"
#include "tensor/ops.h"
#include "tensor/tensor.h"

using uflow::HostBlockCache;

namespace {
constexpr size_t kMiB = size_t{1} << 20;
}

TEST_CASE("a released large block comes back for the same size only") {
  HostBlockCache cache(64 * kMiB);
  void* a = cache.allocate(4 * kMiB);
  REQUIRE(a != nullptr);
  CHECK(reinterpret_cast<uintptr_t>(a) % 64 == 0);
  std::memset(a, 1, 4 * kMiB);  // the block is usable in full
  cache.release(a, 4 * kMiB);
  CHECK(cache.cached_bytes() == 4 * kMiB);
  void* b = cache.allocate(4 * kMiB + 4096);  // another size: not the cached block
  CHECK(b != a);
  CHECK(cache.hits() == 0);
  void* c = cache.allocate(4 * kMiB);  // the same size: the cached block
  CHECK(c == a);
  CHECK(cache.hits() == 1);
  CHECK(cache.cached_bytes() == 0);
  cache.release(b, 4 * kMiB + 4096);
  cache.release(c, 4 * kMiB);
  CHECK(cache.cached_bytes() == 8 * kMiB + 4096);
  cache.clear();
  CHECK(cache.cached_bytes() == 0);
}

TEST_CASE("sizes that round to the same 64 bytes share blocks; small blocks are not kept") {
  HostBlockCache cache(64 * kMiB);
  void* a = cache.allocate(2 * kMiB + 1);
  cache.release(a, 2 * kMiB + 1);
  CHECK(cache.allocate(2 * kMiB + 60) == a);  // both round to 2 MiB + 64
  cache.release(a, 2 * kMiB + 60);
  void* s = cache.allocate(HostBlockCache::kMinBytes - 64);
  cache.release(s, HostBlockCache::kMinBytes - 64);
  CHECK(cache.cached_bytes() == 2 * kMiB + 64);
}

TEST_CASE("the cap evicts the oldest blocks, and a zero cap keeps nothing") {
  HostBlockCache cache(10 * kMiB);
  void* a = cache.allocate(4 * kMiB);
  void* b = cache.allocate(3 * kMiB);
  void* c = cache.allocate(5 * kMiB);
  void* big = cache.allocate(11 * kMiB);
  cache.release(a, 4 * kMiB);
  cache.release(b, 3 * kMiB);
  CHECK(cache.cached_bytes() == 7 * kMiB);
  cache.release(c, 5 * kMiB);  // 12 MiB > 10: the oldest (a) goes
  CHECK(cache.cached_bytes() == 8 * kMiB);
  CHECK(cache.allocate(3 * kMiB) == b);
  CHECK(cache.allocate(5 * kMiB) == c);
  cache.release(big, 11 * kMiB);  // larger than the cap: freed at once
  CHECK(cache.cached_bytes() == 0);
  cache.release(b, 3 * kMiB);
  cache.release(c, 5 * kMiB);
  cache.set_limit(0);  // frees what is cached and keeps nothing from now on
  CHECK(cache.cached_bytes() == 0);
  void* d = cache.allocate(4 * kMiB);
  cache.release(d, 4 * kMiB);
  CHECK(cache.cached_bytes() == 0);
}

TEST_CASE("tensors recycle large CPU blocks through the process cache") {
  using uflow::DType;
  HostBlockCache& cache = HostBlockCache::process();
  const size_t hits = cache.hits();
  const void* first = nullptr;
  {
    uflow::Tensor t = uflow::kernels::zeros({(1 << 20) + 17}, DType::f32);
    first = t.data<float>();
  }
  if (cache.cached_bytes() == 0) {
    // Off under AddressSanitizer or with UFLOW_CPU_CACHE_MB=0: then nothing may be reused.
    MESSAGE("the process block cache is off in this build or environment");
    CHECK(cache.hits() == hits);
    return;
  }
  uflow::Tensor u = uflow::kernels::full({(1 << 20) + 17}, 2.5, DType::f32);
  CHECK(u.data<float>() == first);
  CHECK(cache.hits() == hits + 1);
  CHECK(u.to_vector()[12345] == 2.5);
}
