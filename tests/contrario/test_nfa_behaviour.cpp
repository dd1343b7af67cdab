// Behaviour of the tree NFA at the MS-CaiT latent shapes (816×28×28 and 192×14×14 → 256×256),
// as described in docs/nfa.md §2.2: standard normal latents give no detection, a 3×3
// patch scaled by 1.5 is found, and N(0, 0.95²) latents flag the whole map with the reference
// behaviour but nothing with the guard. The latents come from the library's Philox generator;
// the reference implementation, run on the same latents, gives the figures quoted below.
#include <doctest/doctest.h>

#include <algorithm>
#include <vector>

#include "contrario/block_nfa.h"
#include "contrario/tree_nfa.h"
#include "tensor/ops.h"

using namespace uflow;
using namespace uflow::contrario;

namespace {

constexpr uint64_t kSeed = 20240611;

std::vector<Tensor> latents(double std, uint64_t seed) {
  return {kernels::rand_normal({1, 816, 28, 28}, seed, 0, 0.0, std),
          kernels::rand_normal({1, 192, 14, 14}, seed, uint64_t{1} << 32, 0.0, std)};
}

int64_t detected(const NfaResult& r) {
  int64_t n = 0;
  for (const float v : r.mask.to_floats()) n += v > 0.5f;
  return n;
}

NfaResult tree(const std::vector<Tensor>& z, bool guard) {
  TreeNfaOptions opt;
  opt.guard = guard;
  return tree_nfa(z, opt);
}

}  // namespace

TEST_CASE("standard normal latents: nothing is detected") {
  const std::vector<Tensor> z = latents(1.0, kSeed);
  CHECK(detected(tree(z, false)) == 0);
  CHECK(detected(tree(z, true)) == 0);
  CHECK(detected(block_nfa(z)) == 0);
}

TEST_CASE("a 3x3 patch scaled by 1.5 is detected, and only around it") {
  std::vector<Tensor> z = latents(1.0, kSeed + 1);
  // Rows 10..12, columns 14..16 of the 28×28 latent, all channels.
  std::vector<float> v = z[0].to_floats();
  for (int64_t c = 0; c < 816; ++c)
    for (int64_t y = 10; y < 13; ++y)
      for (int64_t x = 14; x < 17; ++x) v[(c * 28 + y) * 28 + x] *= 1.5f;
  z[0] = Tensor::from_floats(v, {1, 816, 28, 28});
  // The reference implementation, on these same latents, detects 477 pixels in rows 94..115,
  // columns 131..152 (the patch covers rows ≈ 91..119, columns ≈ 128..155 before the bilinear
  // falloff), with and without the guard.
  for (const bool guard : {false, true}) {
    CAPTURE(guard);
    const NfaResult r = tree(z, guard);
    const std::vector<float> mask = r.mask.to_floats();
    int64_t y0 = 256, y1 = -1, x0 = 256, x1 = -1, n = 0;
    for (int64_t y = 0; y < 256; ++y)
      for (int64_t x = 0; x < 256; ++x)
        if (mask[y * 256 + x] > 0.5f) {
          ++n;
          y0 = std::min(y0, y), y1 = std::max(y1, y), x0 = std::min(x0, x), x1 = std::max(x1, x);
        }
    CHECK(n >= 472);
    CHECK(n <= 482);
    CHECK(y0 >= 93);
    CHECK(y1 <= 116);
    CHECK(x0 >= 130);
    CHECK(x1 <= 153);
    CHECK(mask[105 * 256 + 141] > 0.5f);  // the patch centre
  }
}

TEST_CASE("under-dispersed latents N(0, 0.95^2): the whole map, and nothing with the guard") {
  const std::vector<Tensor> z = latents(0.95, kSeed + 2);
  CHECK(detected(tree(z, false)) == 256 * 256);
  CHECK(detected(tree(z, true)) == 0);
}
