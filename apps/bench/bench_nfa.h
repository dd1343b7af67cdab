// Timing of the two NFA variants at the MS-CaiT latent shapes (816×28×28 and 192×14×14 up to
// T×T), for `uflow bench nfa`. Figures are medians over repeats of one call each, per image.
#pragma once
#include <cstdint>

#include "tensor/dtype.h"

namespace uflow::app::bench {

struct NfaBenchOptions {
  Device device = Device::cpu;
  int64_t batch = 1;   // images per call; times are divided by it
  int64_t size = 256;  // T
  int repeats = 21;    // timed calls per variant (after one warm-up call)
  uint64_t seed = 0;   // latents are N(0, 1) from this seed
};

struct NfaBenchResult {
  double tree_ms = 0;         // median tree NFA time per image, whole pipeline
  double block_ms = 0;        // median block NFA time per image, whole pipeline
  double tree_maps_ms = 0;    // of tree_ms: the per-scale log P maps (sums of squares + trees)
  double block_maps_ms = 0;   // of block_ms: the per-scale log P maps (counts + windows)
  int64_t tree_detected = 0;  // detected pixels in the last call (0 expected on N(0, 1))
  int64_t block_detected = 0;
};

// Runs with the current thread counts (bench_nfa's --threads sets them with set_threads).
NfaBenchResult run_nfa_bench(const NfaBenchOptions& opt = {});

}  // namespace uflow::app::bench
