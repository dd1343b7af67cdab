// CUDA graphs (tensor/cuda/graph.h, apps/model/inference_forward.h): a replayed forward gives
// what the eager forward gives for new inputs refilled in place; a capture that waits for the
// device fails with a clear error and leaves the library usable; the graph's private memory
// pool goes back to the allocator with the graph. Skipped without a GPU.
#include "apps/model/inference_forward.h"
#include "apps/model/model_spec.h"
#include "model_parity.h"
#include "tensor/cuda/graph.h"
#include "tensor/cuda/runtime.h"

using namespace uflow;
using namespace uflow::test;

TEST_CASE("a replayed extractor + flow + anomaly map equals the eager forward, batch after batch") {
  UFLOW_REQUIRE_CUDA_OR_SKIP();
  app::ModelSpec spec;
  auto extractor = app::build_extractor(spec);
  extractor->to(Device::cuda);
  auto flow = app::build_flow(spec);
  randomize_parameters(*flow, 5);
  flow->to(Device::cuda);
  app::InferenceForward eager(*extractor, *flow, 256, cuda::Precision::fp32, false);
  app::InferenceForward graphed(*extractor, *flow, 256, cuda::Precision::fp32, true);
  const ParitySide gpu{Device::cuda, DType::f32};
  for (int batch = 0; batch < 4; ++batch) {
    CAPTURE(batch);
    const int64_t b = batch < 3 ? 2 : 1;  // shapes 2, 2, 2, then 1 (a new shape: eager)
    const Tensor images = side_input({b, 3, 448, 448}, 100 + batch, gpu, -2, 2);
    const app::InferenceForward::Out g = graphed.run(images);
    const app::InferenceForward::Out e = eager.run(images);
    ParityReport r;
    r.compare("anomaly map", g.anomaly_map, e.anomaly_map, 1e-6);
    for (size_t s = 0; s < e.z.size(); ++s)
      r.compare("z" + std::to_string(s), g.z[s], e.z[s], 1e-6);
    CHECK_PARITY_REPORT(r);
  }
  CHECK(graphed.captures() == 1);
  CHECK(graphed.replays() == 2);  // batches 2 and 3; batch 1 was the warm-up
  CHECK(eager.replays() == 0);
}

TEST_CASE("a capture that waits for the device fails cleanly; the pool is returned") {
  UFLOW_REQUIRE_CUDA_OR_SKIP();
  const Tensor x = kernels::rand_uniform({1000}, 1, 0, -1, 1, DType::f32, Device::cuda);
  (void)kernels::reduce(ReduceOp::sum, x, {});  // warm-up
  {
    cuda::Graph g;
    bool threw = false;
    try {
      g.capture([&] { (void)kernels::reduce(ReduceOp::sum, x, {}).item(); });
    } catch (const Error& e) {
      threw = true;
      MESSAGE(e.what());
    }
    CHECK(threw);
    CHECK_FALSE(g.captured());
    CHECK_FALSE(cuda::capturing());
  }
  // The library still works eagerly, and a valid capture replays.
  const double ref = kernels::reduce(ReduceOp::sum, kernels::to_device(x, Device::cpu), {}).item();
  CHECK(kernels::reduce(ReduceOp::sum, x, {}).item() == doctest::Approx(ref).epsilon(1e-6));
  {
    Tensor out;
    cuda::Graph g;
    g.capture([&] { out = kernels::affine_scalar(x, 2.0, 1.0); });
    CHECK(g.captured());
    g.replay();
    CHECK_CLOSE(kernels::to_device(out, Device::cpu),
                kernels::affine_scalar(kernels::to_device(x, Device::cpu), 2.0, 1.0), 0, 0);
    CHECK(cuda::allocator_stats().pool_bytes + cuda::allocator_stats().in_use_bytes > 0);
  }
  CHECK(cuda::allocator_stats().pool_bytes == 0);
}
