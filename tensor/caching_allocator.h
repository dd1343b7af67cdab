// The bookkeeping of the CUDA caching allocator (tensor/cuda/runtime.cu), apart from CUDA so
// that it can be tested on any machine with a fake source of device memory.
//
// Freed blocks are kept in free lists keyed by their rounded size and handed out again, so a
// training step in steady state makes no cudaMalloc/cudaFree call (both are slow, and cudaFree
// synchronises the device).
//
// Why reuse needs no event per block (the single-stream invariant): every kernel, copy and
// library call of uflow runs on one stream (cuda::stream(); cuBLAS and cuDNN handles are bound
// to it). A block is released when its last tensor dies on the host, possibly while kernels
// that read it are still queued; whatever reuses it is queued later on the same stream, so it
// runs after them. This holds only while nothing touches uflow memory from another stream:
// tests/core/test_single_stream.cpp checks the CUDA sources for launches and copies outside
// the library stream, and the runtime checks that the library handles are bound to it.
//
// Private pools (CUDA graphs): a captured graph replays raw addresses, so every block the
// capture touches must stay reserved for the graph as long as it may be replayed. While a
// capture is active (begin_capture .. end_capture) allocations come from that capture's pool,
// and any block released (including blocks allocated before the capture, which the graph may
// still read) joins the pool instead of the shared free lists. Blocks of a pool are reused only
// by later captures into the same pool. release_pool gives all of them back once the graph is
// gone (stream order again makes that safe without synchronising).
#pragma once
#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <unordered_map>

namespace uflow {

// Where blocks come from: cudaMalloc/cudaFree, or a fake in tests.
class DeviceMemorySource {
 public:
  virtual ~DeviceMemorySource() = default;
  virtual void* malloc(size_t nbytes) = 0;  // nullptr when the device is out of memory
  virtual void free(void* ptr) = 0;
};

struct CachingAllocatorStats {
  size_t device_mallocs = 0;  // calls to the source's malloc that succeeded
  size_t device_frees = 0;
  size_t cached_bytes = 0;  // in the shared free lists
  size_t in_use_bytes = 0;  // in live blocks (any pool)
  size_t pool_bytes = 0;    // free blocks held for graphs (private pools)
};

class CachingAllocator {
 public:
  using PoolId = uint64_t;  // 0 is the shared pool

  explicit CachingAllocator(DeviceMemorySource& source) : source_(source) {}
  CachingAllocator(const CachingAllocator&) = delete;
  CachingAllocator& operator=(const CachingAllocator&) = delete;

  // Small sizes round up to 512 bytes, large ones (>= 1 MiB) to 2 MiB, so near sizes share
  // blocks.
  static size_t round_size(size_t nbytes);

  // A block of at least nbytes. Throws uflow::Error when the source is out of memory even
  // after the shared free lists were given back (outside a capture only: giving memory back
  // synchronises the device, which a capture forbids).
  void* allocate(size_t nbytes);
  // Returns a block from allocate(); unknown pointers are ignored.
  void release(void* ptr);

  // Captures: a fresh pool id, then begin/end around the captured work. One capture at a time.
  PoolId new_pool();
  void begin_capture(PoolId pool);
  void end_capture();
  bool capturing() const;
  // Gives the pool's free blocks to the shared free lists, and its live blocks to the shared
  // pool when they are released. Call once nothing will replay the graph any more.
  void release_pool(PoolId pool);

  // Hands the shared free lists back to the source (private pools keep theirs).
  void empty_cache();
  CachingAllocatorStats stats() const;

 private:
  struct Block {
    size_t size;
    PoolId pool;
  };
  void* take_free(PoolId pool, size_t size);  // caller holds mu_
  void free_shared_cache();                   // caller holds mu_

  DeviceMemorySource& source_;
  mutable std::mutex mu_;
  std::map<PoolId, std::multimap<size_t, void*>> free_;  // per pool: rounded size -> block
  std::unordered_map<void*, Block> live_;
  PoolId capture_pool_ = 0;  // 0: no capture active
  PoolId next_pool_ = 1;
  CachingAllocatorStats stats_;
};

}  // namespace uflow
