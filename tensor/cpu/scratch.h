// Scratch memory for the CPU kernels that unfold or transform their inputs (im2col, Winograd
// tiles). Fresh allocations of tens of megabytes cost a page fault per 4 KiB on first touch,
// which in the flow's convolutions took as long as their GEMMs; these buffers are kept per
// thread and only grow, so a training loop faults them in once. Contents are uninitialised.
#pragma once
#include <cstdint>

namespace uflow::cpu {

// Independent buffers a kernel may hold at once (slot 0, 1, ...).
inline constexpr int kScratchSlots = 3;

// A buffer of at least `count` elements of T for slot `slot` of the calling thread, valid until
// the same thread asks for that slot again. Buffers larger than kScratchKeepBytes are freed
// again after use by the next smaller request, so one huge call does not pin its memory.
template <typename T>
T* scratch(int slot, int64_t count);

inline constexpr int64_t kScratchKeepBytes = int64_t{256} << 20;

}  // namespace uflow::cpu
