// On the GPU the trainer reads the loss and checks the parameters once per epoch (no per-step
// host sync), still before the epoch callback that writes checkpoints: an update that makes a
// parameter non-finite stops training at the end of its epoch and the callback never sees the
// broken model. Skipped without a GPU (the CPU's per-update check is tested in
// tests/apps/test_checkpoint_integrity.cpp).
#include "apps/tiny_run.h"
#include "gpu_skip.h"

using namespace uflow;

TEST_CASE("CUDA training that makes a parameter non-finite stops before the epoch callback") {
  UFLOW_REQUIRE_CUDA_OR_SKIP();
  const test::DivergedTraining r = test::train_with_absurd_lr(Device::cuda);
  CHECK(r.error.rfind("training diverged at epoch 1: parameter '", 0) == 0);
  CHECK(r.error.find("' is not finite; try a lower --lr") != std::string::npos);
  CHECK(r.epochs_reached == 0);
}
