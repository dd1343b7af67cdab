// Tensors larger than one pass of the grid-stride loops: grid_for (tensor/cuda/check.h) caps a
// launch at 65535·16 blocks of 256 threads = 268,431,360 threads, so the last elements of a
// 2^28 + 2^20 + 7 element tensor (about 1.08 GB in f32) are reached only on the loops' second
// turn. One element-wise op, a full reduction, a column reduction and argmax, against the CPU.
// Needs about 5.4 GB free on the GPU (inputs, outputs and the reference copied back); with
// less, the test says so and checks nothing. Skipped without a GPU.
#include "tensor/cuda/runtime.h"
#include "test_util.h"

using namespace uflow;

TEST_CASE("element-wise and reductions over more than 2^28 elements match the CPU") {
  UFLOW_REQUIRE_CUDA_OR_SKIP();
  const int64_t n = (int64_t{1} << 28) + (int64_t{1} << 20) + 7;
  const int64_t one_pass = int64_t{65535} * 16 * 256;
  REQUIRE(n > one_pass);
  const size_t bytes = static_cast<size_t>(n) * sizeof(float);
  const cuda::MemoryInfo mem = cuda::memory_info();
  if (mem.free_bytes < 5 * bytes) {
    MESSAGE("only ", mem.free_bytes >> 20, " MiB free on the GPU; the 2^28-element check needs ",
            (5 * bytes) >> 20, " MiB and is not run");
    return;
  }
  const Tensor xc = kernels::rand_uniform({n}, 7, 0, -2.0, 2.0);
  const Tensor xg = kernels::rand_uniform({n}, 7, 0, -2.0, 2.0, DType::f32, Device::cuda);
  const Tensor yc = kernels::unary(UnaryOp::sigmoid, xc);
  const Tensor yg = kernels::unary(UnaryOp::sigmoid, xg);
  auto host = [](const Tensor& t) { return kernels::to_device(t, Device::cpu); };
  // The head (first pass) and the tail (second turn of the loop) element by element.
  const int64_t tail = n - one_pass + 4096;
  CHECK_CLOSE(host(kernels::narrow(yg, 0, 0, 4096)), kernels::narrow(yc, 0, 0, 4096), 1e-6, 1e-6);
  CHECK_CLOSE(host(kernels::narrow(yg, 0, n - tail, tail)), kernels::narrow(yc, 0, n - tail, tail),
              1e-6, 1e-6);
  // Every element: the largest difference, computed on the GPU.
  const Tensor diff = kernels::reduce(
      ReduceOp::max,
      kernels::unary(UnaryOp::abs,
                     kernels::binary(BinaryOp::sub, yg, kernels::to_device(yc, Device::cuda))),
      {});
  CHECK(diff.item() <= 1e-6);
  // A full reduction (pieces over R) and a strided column reduction (K = 7).
  const double sc = kernels::reduce(ReduceOp::sum, yc, {}).item();
  CHECK(kernels::reduce(ReduceOp::sum, yg, {}).item() == doctest::Approx(sc).epsilon(1e-6));
  const int64_t rows = n / 7;
  const Tensor cc = kernels::reduce(
      ReduceOp::sum, kernels::reshape(kernels::narrow(yc, 0, 0, rows * 7), {rows, 7}), {0});
  const Tensor cg = kernels::reduce(
      ReduceOp::sum, kernels::reshape(kernels::narrow(yg, 0, 0, rows * 7), {rows, 7}), {0});
  CHECK_CLOSE(host(cg), cc, 0, 1e-6);
  CHECK(kernels::argmax(yg, 0) == kernels::argmax(yc, 0));
}
