// Index maps of 2-d padding, shared by the CPU loops and the CUDA kernels so both backends
// read the same source for every padded position.
#pragma once
#include <cstdint>

#include "tensor/dtype.h"

namespace uflow {

struct Pad2dGeometry {
  int64_t planes = 1;      // product of the leading dims
  int64_t h = 0, w = 0;    // input
  int64_t oh = 0, ow = 0;  // output: h + top + bottom, w + left + right
  int64_t top = 0, left = 0;
  bool reflect = false;
};

// Input index read by padded position p along one axis of input size n with `before`
// positions of padding ahead of it; -1 stands for a zero of zero padding. Reflect mirrors
// about the edge element without repeating it (PyTorch 'reflect'); needs padding < n.
UFLOW_HD int64_t pad_source(int64_t p, int64_t n, int64_t before, bool reflect) {
  int64_t i = p - before;
  if (reflect) {
    if (i < 0) i = -i;
    if (i >= n) i = 2 * (n - 1) - i;
    return i;
  }
  return (i >= 0 && i < n) ? i : -1;
}

// The padded positions (out of n_out) that read input index i: the copy itself and, for
// reflect, up to one mirror on each side. Writes them to targets[0..2] and returns how many.
// The backward gathers over these, so it needs no atomics and is deterministic.
UFLOW_HD int pad_targets(int64_t i, int64_t n, int64_t before, int64_t n_out, bool reflect,
                         int64_t* targets) {
  const int64_t candidates[3] = {i + before, before - i, before + 2 * (n - 1) - i};
  int count = 0;
  for (int c = 0; c < (reflect ? 3 : 1); ++c) {
    const int64_t p = candidates[c];
    if (p < 0 || p >= n_out || pad_source(p, n, before, reflect) != i) continue;
    bool seen = false;
    for (int k = 0; k < count; ++k) seen = seen || targets[k] == p;
    if (!seen) targets[count++] = p;
  }
  return count;
}

}  // namespace uflow
