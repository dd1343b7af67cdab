// run_nfa_bench returns figures for both variants (no timing assertions: only that it ran).
#include <doctest/doctest.h>

#include "apps/bench/bench_nfa.h"

TEST_CASE("the NFA bench times both variants on standard normal latents") {
  uflow::app::bench::NfaBenchOptions opt;
  opt.repeats = 1;
  const uflow::app::bench::NfaBenchResult r = uflow::app::bench::run_nfa_bench(opt);
  CHECK(r.tree_ms > 0);
  CHECK(r.block_ms > 0);
  CHECK(r.tree_maps_ms > 0);
  CHECK(r.block_maps_ms > 0);
  // N(0, 1) latents at the MS-CaiT shapes: nothing to detect (docs/nfa.md §2.2).
  CHECK(r.tree_detected == 0);
  CHECK(r.block_detected == 0);
}
