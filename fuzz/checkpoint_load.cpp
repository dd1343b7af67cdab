// libFuzzer target: the HDF5 model loaders on an arbitrary file: the checkpoint reader
// (attributes with their range checks, then parameters, permutations and Adam state into a
// small flow) and the weight-file reader (format, keys, shapes, values).
#include <cstdint>

#include "apps/model/checkpoint.h"
#include "fuzz/fuzz_util.h"
#include "fuzz/seed_models.h"
#include "weights/weight_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = uflow::fuzz::input_file(data, size, ".h5");
  UFLOW_FUZZ_EXPECT_ERRORS(uflow::app::read_checkpoint_info(path));
  UFLOW_FUZZ_EXPECT_ERRORS({
    // The flow is the seed checkpoint's (fuzz/seed_models.h) whatever the spec says: building
    // the spec's flow would spend the fuzzing time on allocation, not on parsing.
    uflow::UFlow flow = uflow::fuzz::seed_flow();
    uflow::Adam adam(flow.parameters(), uflow::AdamOptions{});
    uflow::app::load_checkpoint(path, flow, &adam);
  });
  UFLOW_FUZZ_EXPECT_ERRORS(uflow::read_weight_info(path));
  UFLOW_FUZZ_EXPECT_ERRORS(uflow::weight_keys(path));
  UFLOW_FUZZ_EXPECT_ERRORS(uflow::load_state(path, uflow::fuzz::seed_weight_shapes(), {"head."}));
  return 0;
}
