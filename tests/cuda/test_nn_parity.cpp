// CPU vs CUDA for matmul, linear, conv2d, softmax, log_softmax and layer_norm: outputs and
// the gradients of every input, in f32 and f64, on random inputs; plus LayerNorm at CaiT's 768
// columns and over (C, H, W) at resnet18's 64×64×64, and the convolutions of the flow at their real
// shapes (408 -> 816 channels, 28×28, batch 16, k = 3 and 1: forward, input and weight gradients).
// Skipped without a GPU.
#include <functional>

#include "core/nn_test_util.h"
#include "cuda_parity_util.h"
#include "model_parity.h"
#include "tensor/cuda/math_mode.h"

using namespace uflow;
using test::leaf;

namespace {

void check_parity(const test::ParityFn& f, const std::vector<Tensor>& inputs, double atol,
                  double rtol) {
  test::check_cuda_parity(f, inputs, atol, rtol);
}

using Fn = test::ParityFn;
using test::random_input;

double tol_for(DType dt) {
  return dt == DType::f32 ? 2e-4 : 1e-10;
}

Conv2dOptions opts(int64_t stride, int64_t pad, int64_t groups = 1, bool same = false) {
  Conv2dOptions o;
  o.stride_h = o.stride_w = stride;
  o.pad_h = o.pad_w = pad;
  o.groups = groups;
  o.same = same;
  return o;
}

}  // namespace

TEST_CASE("CUDA matmul matches the CPU (transposes, batches, broadcasting)") {
  UFLOW_REQUIRE_CUDA_OR_SKIP();
  CHECK_FALSE(cuda::allow_tf32());  // parity needs full float precision
  struct Case {
    Shape a, b;
    bool ta, tb;
  };
  const std::vector<Case> cases = {
      {{7, 5}, {5, 9}, false, false},      {{5, 7}, {9, 5}, true, true},
      {{3, 7, 5}, {3, 5, 9}, false, true}, {{3, 7, 5}, {5, 9}, false, false},
      {{7, 5}, {3, 5, 9}, false, false},   {{2, 1, 7, 5}, {3, 5, 9}, false, false},
      {{4, 5, 7}, {4, 9, 5}, true, true},  {{130, 257}, {257, 190}, false, false},
  };
  for (DType dt : {DType::f32, DType::f64})
    for (const Case& c : cases) {
      CAPTURE(shape_str(c.a));
      CAPTURE(shape_str(c.b));
      const bool ta = c.ta, tb = c.tb;
      check_parity([=](const std::vector<Tensor>& in) { return matmul(in[0], in[1], ta, tb); },
                   {random_input(c.a, 1, dt), random_input(c.b, 2, dt)}, tol_for(dt), tol_for(dt));
    }
  // Non-contiguous operands: transposed and sliced views on the device.
  Tensor a = kernels::to_device(random_input({6, 10}, 3, DType::f32), Device::cuda);
  Tensor b = kernels::to_device(random_input({4, 6}, 4, DType::f32), Device::cuda);
  Tensor av = kernels::slice(a, 1, 0, 10, 2), bv = kernels::transpose(b, 0, 1);
  CHECK_CLOSE(
      kernels::matmul(av, bv),
      kernels::matmul(kernels::to_device(av, Device::cpu), kernels::to_device(bv, Device::cpu)),
      1e-5, 1e-5);
}

TEST_CASE("CUDA linear matches the CPU") {
  UFLOW_REQUIRE_CUDA_OR_SKIP();
  for (DType dt : {DType::f32, DType::f64}) {
    check_parity(
        [](const std::vector<Tensor>& in) { return linear(in[0], in[1], in[2]); },
        {random_input({2, 5, 12}, 1, dt), random_input({7, 12}, 2, dt), random_input({7}, 3, dt)},
        tol_for(dt), tol_for(dt));
  }
}

TEST_CASE("CUDA conv2d matches the CPU (forward, input, weight and bias gradients)") {
  UFLOW_REQUIRE_CUDA_OR_SKIP();
  struct Case {
    Shape x, w;
    Conv2dOptions o;
  };
  const std::vector<Case> cases = {
      {{2, 4, 9, 8}, {6, 4, 3, 3}, opts(1, 1)},
      {{2, 4, 9, 8}, {6, 4, 3, 3}, opts(2, 1)},
      {{2, 4, 7, 7}, {6, 2, 3, 3}, opts(1, 1, 2)},
      {{2, 6, 7, 7}, {6, 1, 3, 3}, opts(1, 1, 6)},
      {{2, 3, 6, 5}, {4, 3, 2, 4}, opts(1, 0, 1, true)},  // asymmetric 'same' padding
      {{2, 3, 6, 5}, {4, 3, 2, 4}, opts(1, 1)},           // same cuDNN descriptors, no cropping
      {{2, 3, 6, 5}, {4, 3, 4, 3}, opts(1, 0, 1, true)},
      {{2, 8, 5, 5}, {8, 8, 1, 1}, opts(1, 0)},
  };
  for (DType dt : {DType::f32, DType::f64})
    for (const Case& c : cases) {
      CAPTURE(shape_str(c.x));
      CAPTURE(shape_str(c.w));
      const Conv2dOptions o = c.o;
      check_parity(
          [o](const std::vector<Tensor>& in) { return conv2d(in[0], in[1], in[2], o); },
          {random_input(c.x, 1, dt), random_input(c.w, 2, dt), random_input({c.w[0]}, 3, dt)},
          tol_for(dt), tol_for(dt));
    }
}

TEST_CASE("CUDA softmax and log_softmax match the CPU over every dim") {
  UFLOW_REQUIRE_CUDA_OR_SKIP();
  for (DType dt : {DType::f32, DType::f64})
    for (int64_t d : {0, 1, 2}) {
      CAPTURE(d);
      const Shape s =
          d == 2 ? Shape{6, 5, 1000} : Shape{6, 5, 7};  // long rows use block reductions
      check_parity([d](const std::vector<Tensor>& in) { return softmax(in[0], d); },
                   {kernels::affine_scalar(random_input(s, 5, dt), 4.0, 0.0)}, 1e-6, tol_for(dt));
      check_parity([d](const std::vector<Tensor>& in) { return log_softmax(in[0], d); },
                   {kernels::affine_scalar(random_input(s, 6, dt), 4.0, 0.0)}, tol_for(dt),
                   tol_for(dt));
    }
}

TEST_CASE("CUDA layer_norm matches the CPU (output, saved statistics, gradients)") {
  UFLOW_REQUIRE_CUDA_OR_SKIP();
  for (DType dt : {DType::f32, DType::f64}) {
    // Many rows: the parameter gradients are summed over several row chunks.
    check_parity(
        [](const std::vector<Tensor>& in) { return layer_norm(in[0], 1, in[1], in[2], 1e-6); },
        {kernels::affine_scalar(random_input({3, 300, 96}, 1, dt), 2.0, 0.5),
         random_input({96}, 2, dt), random_input({96}, 3, dt)},
        tol_for(dt) * 5, tol_for(dt) * 5);
    check_parity(
        [](const std::vector<Tensor>& in) {
          return layer_norm(in[0], 2, Tensor(), Tensor(), 1e-5);
        },
        {random_input({4, 3, 50}, 4, dt)}, tol_for(dt), tol_for(dt));
    Tensor x = random_input({5, 33}, 7, dt);
    LayerNormOut c = kernels::layer_norm(x, 1, Tensor(), Tensor(), 1e-5);
    LayerNormOut g =
        kernels::layer_norm(kernels::to_device(x, Device::cuda), 1, Tensor(), Tensor(), 1e-5);
    CHECK_CLOSE(g.mean, c.mean, tol_for(dt), tol_for(dt));
    CHECK_CLOSE(g.rstd, c.rstd, tol_for(dt), tol_for(dt));
  }
}

TEST_CASE("CUDA layer_norm at 768 columns (cait_m48) matches the CPU") {
  UFLOW_REQUIRE_CUDA_OR_SKIP();
  for (DType dt : {DType::f32, DType::f64})
    check_parity(
        [](const std::vector<Tensor>& in) { return layer_norm(in[0], 1, in[1], in[2], 1e-6); },
        {kernels::affine_scalar(random_input({2, 784, 768}, 11, dt), 3.0, 0.2),
         random_input({768}, 12, dt), random_input({768}, 13, dt)},
        tol_for(dt) * 5, tol_for(dt) * 5);
}

TEST_CASE("CUDA layer_norm over (C, H, W) at resnet18's finest scale matches the CPU") {
  // The ResNet features' LayerNorm: few rows (the batch) of 64·64·64 columns each, so the
  // row reductions and the parameter gradients run at the other extreme from CaiT's.
  UFLOW_REQUIRE_CUDA_OR_SKIP();
  for (DType dt : {DType::f32, DType::f64})
    check_parity(
        [](const std::vector<Tensor>& in) { return layer_norm(in[0], 3, in[1], in[2], 1e-5); },
        {kernels::affine_scalar(random_input({2, 64, 64, 64}, 21, dt), 2.0, 0.7),
         random_input({64, 64, 64}, 22, dt), random_input({64, 64, 64}, 23, dt)},
        tol_for(dt) * 5, tol_for(dt) * 5);
}

TEST_CASE(
    "CUDA conv2d at the flow's shapes matches the CPU (408 -> 816 and 408 -> 408, k 3 and 1)") {
  UFLOW_REQUIRE_CUDA_OR_SKIP();
  REQUIRE_FALSE(cuda::allow_tf32());
  struct Case {
    int64_t in, out, k;
  };
  for (const Case c :
       {Case{408, 816, 3}, Case{408, 408, 3}, Case{408, 816, 1}, Case{408, 408, 1}}) {
    CAPTURE(c.out);
    CAPTURE(c.k);
    Conv2dOptions o;
    o.pad_h = o.pad_w = c.k / 2;
    const test::ParitySide gpu{Device::cuda, DType::f32}, cpu{Device::cpu, DType::f32};
    // Weights at 1/√fan_in keep the outputs O(1), as in the flow.
    const double wscale = 1.0 / std::sqrt(static_cast<double>(c.in * c.k * c.k));
    auto run = [&](const test::ParitySide& s) {
      Tensor x = test::side_leaf({16, c.in, 28, 28}, 21, s);
      Tensor w =
          kernels::affine_scalar(test::side_input({c.out, c.in, c.k, c.k}, 22, s), wscale, 0);
      Tensor b = test::side_input({c.out}, 23, s);
      w.set_requires_grad(true);
      b.set_requires_grad(true);
      Tensor y = conv2d(x, w, b, o);
      backward(y, test::side_input(y.shape(), 24, s));
      return std::vector<Tensor>{y, x.grad(), w.grad(), b.grad()};
    };
    const std::vector<Tensor> g = run(gpu), r = run(cpu);
    test::ParityReport rep;
    const char* names[] = {"y", "grad x", "grad w", "grad bias"};
    for (int i = 0; i < 4; ++i) rep.compare(names[i], g[i], r[i], 1e-4);
    CHECK_PARITY_REPORT(rep);
  }
}
