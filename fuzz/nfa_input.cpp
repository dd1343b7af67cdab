// libFuzzer target: what `uflow nfa` does with its input file: read the latents z1, z2, ...
// (shapes, types, value range) and, when they are small, run both NFA variants on them.
#include <cstdint>

#include "apps/data/map_file.h"
#include "contrario/block_nfa.h"
#include "contrario/tree_nfa.h"
#include "fuzz/fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = uflow::fuzz::input_file(data, size, ".h5");
  UFLOW_FUZZ_EXPECT_ERRORS({
    uflow::app::MapFileLimits limits;
    limits.max_elements = 1 << 16;  // a fuzzing budget, not the command's limit
    const std::vector<uflow::Tensor> z =
        uflow::app::read_numbered_maps(path, "z", uflow::app::MapKind::latents, limits);
    uflow::contrario::TreeNfaOptions tree;
    tree.size = 16;
    UFLOW_FUZZ_EXPECT_ERRORS(uflow::contrario::tree_nfa(z, tree));
    uflow::contrario::BlockNfaOptions block;
    block.size = 16;
    block.window = 3;
    UFLOW_FUZZ_EXPECT_ERRORS(uflow::contrario::block_nfa(z, block));
  });
  return 0;
}
