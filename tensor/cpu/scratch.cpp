#include "tensor/cpu/scratch.h"

#include <algorithm>
#include <array>
#include <cstdlib>
#include <memory>
#include <new>

#include "tensor/error.h"

namespace uflow::cpu {
namespace {

struct FreeBytes {
  void operator()(void* p) const { std::free(p); }
};

struct Slot {
  std::unique_ptr<void, FreeBytes> memory;
  int64_t bytes = 0;
};

thread_local std::array<Slot, kScratchSlots> t_slots;

}  // namespace

template <typename T>
T* scratch(int slot, int64_t count) {
  UFLOW_CHECK(slot >= 0 && slot < kScratchSlots, "cpu scratch: no slot ", slot);
  // Cache-line aligned, rounded up to whole lines as aligned_alloc requires.
  const int64_t bytes = (std::max<int64_t>(count, 1) * int64_t{sizeof(T)} + 63) / 64 * 64;
  Slot& s = t_slots[slot];
  if (bytes > s.bytes || (s.bytes > kScratchKeepBytes && bytes <= kScratchKeepBytes)) {
    s.memory.reset();
    s.bytes = 0;
    void* p = std::aligned_alloc(64, static_cast<size_t>(bytes));
    if (!p) throw std::bad_alloc();
    s.memory.reset(p);
    s.bytes = bytes;
  }
  return static_cast<T*>(s.memory.get());
}

template float* scratch<float>(int, int64_t);
template double* scratch<double>(int, int64_t);

}  // namespace uflow::cpu
