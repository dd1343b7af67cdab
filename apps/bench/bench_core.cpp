// `uflow bench core`: our matmul and conv2d against direct library calls of the same shape in
// the same process, so the ratio isolates what our dispatch adds (planning, allocation,
// im2col). Figures are medians of repeated runs after warm-up; nothing here asserts.
#include <cblas.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include "apps/bench/bench.h"
#include "apps/bench/bench_util.h"
#include "apps/cli/args.h"
#include "apps/commands/device_option.h"
#include "tensor/cuda/math_mode.h"
#include "tensor/cuda/runtime.h"
#include "tensor/ops.h"
#if defined(UFLOW_WITH_CUDA)
#include "tensor/cuda/check.h"
#endif

namespace uflow::app {
namespace {

using bench::race;
#if defined(UFLOW_WITH_CUDA)
using bench::race_gpu;
#endif
using bench::print_machine;

constexpr int64_t kGemm = 1024;
// conv 3×3, 408 → 408 channels, 28×28, batch 8, padding 1 (a U-Flow stage's subnet width).
constexpr int64_t kN = 8, kC = 408, kH = 28, kW = 28, kK = 3;

void report(const char* what, const char* direct_name, double flops, double t_ours,
            double t_direct) {
  const double g_ours = flops / t_ours * 1e-9, g_direct = flops / t_direct * 1e-9;
  std::printf("%-34s ours %8.1f GFLOP/s (%8.2f ms)   %-22s %8.1f GFLOP/s (%8.2f ms)   ratio %.3f\n",
              what, g_ours, t_ours * 1e3, direct_name, g_direct, t_direct * 1e3, g_ours / g_direct);
  std::fflush(stdout);
}

void bench_cpu(int warmup, int runs) {
  print_machine(Device::cpu);

  // GEMM: kernels::matmul (planning + output allocation + sgemm) vs cblas_sgemm into a
  // preallocated output.
  {
    const Tensor a = kernels::rand_uniform({kGemm, kGemm}, 1, 0, -1, 1);
    const Tensor b = kernels::rand_uniform({kGemm, kGemm}, 2, 0, -1, 1);
    std::vector<float> c(kGemm * kGemm);
    const auto [t_ours, t_direct] =
        race([&] { (void)kernels::matmul(a, b); },
             [&] {
               cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, kGemm, kGemm, kGemm, 1.f,
                           a.data<float>(), kGemm, b.data<float>(), kGemm, 0.f, c.data(), kGemm);
             },
             warmup, runs);
    report("gemm f32 1024x1024x1024 (cpu)", "cblas_sgemm", 2.0 * kGemm * kGemm * kGemm, t_ours,
           t_direct);
  }

  // conv2d forward and both backward passes: ours vs the GEMMs alone on an im2col matrix built
  // beforehand, the floor for any im2col + GEMM convolution. All three passes of this shape run
  // Winograd F(2×2, 3×3) (2.25× fewer multiplications), so they can beat that floor. FLOPs are
  // the direct convolution's.
  {
    const Tensor x = kernels::rand_uniform({kN, kC, kH, kW}, 3, 0, -1, 1);
    const Tensor w = kernels::rand_uniform({kC, kC, kK, kK}, 4, 0, -0.05, 0.05);
    const Tensor dy = kernels::rand_uniform({kN, kC, kH, kW}, 5, 0, -1, 1);
    Conv2dOptions opt;
    opt.pad_h = opt.pad_w = 1;
    const int64_t rows = kC * kK * kK, pixels = kH * kW;
    const double flops = 2.0 * kN * kC * pixels * rows;
    // The unfolded input of every sample, (C·3·3, 28·28): row (c, i, j) holds input channel c
    // shifted by (i - 1, j - 1), zero outside.
    std::vector<float> col(kN * rows * pixels, 0.f);
    const std::vector<float> xv = x.to_floats();
    for (int64_t n = 0; n < kN; ++n)
      for (int64_t r = 0; r < rows; ++r) {
        const int64_t c = r / (kK * kK), i = (r / kK) % kK, j = r % kK;
        for (int64_t oy = 0; oy < kH; ++oy)
          for (int64_t ox = 0; ox < kW; ++ox) {
            const int64_t iy = oy - 1 + i, ix = ox - 1 + j;
            if (iy >= 0 && iy < kH && ix >= 0 && ix < kW)
              col[(n * rows + r) * pixels + oy * kW + ox] = xv[((n * kC + c) * kH + iy) * kW + ix];
          }
      }
    std::vector<float> y(kN * kC * pixels), dcol(kN * rows * pixels), dw(kC * rows);
    const float* wp = w.data<float>();
    const float* dyp = dy.data<float>();
    {
      const auto [t_ours, t_direct] =
          race([&] { (void)kernels::conv2d(x, w, Tensor(), opt); },
               [&] {
                 for (int64_t n = 0; n < kN; ++n)
                   cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, kC, pixels, rows, 1.f, wp,
                               rows, col.data() + n * rows * pixels, pixels, 0.f,
                               y.data() + n * kC * pixels, pixels);
               },
               warmup, runs);
      report("conv2d 3x3 408->408 28x28 b8 (cpu)", "sgemm on im2col", flops, t_ours, t_direct);
      // Our result against the direct one, so the figures compare the same computation.
      const std::vector<float> ours = kernels::conv2d(x, w, Tensor(), opt).to_floats();
      double worst = 0;
      for (size_t i = 0; i < ours.size(); ++i)
        worst = std::max(worst, static_cast<double>(std::fabs(ours[i] - y[i])));
      std::printf("  (max |ours - direct| = %.2e)\n", worst);
    }
    {
      const auto [t_ours, t_direct] =
          race([&] { (void)kernels::conv2d_backward_input(dy, w, x.shape(), opt); },
               [&] {  // dcol = Wᵀ·dy per sample (col2im not counted)
                 for (int64_t n = 0; n < kN; ++n)
                   cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, rows, pixels, kC, 1.f, wp,
                               rows, dyp + n * kC * pixels, pixels, 0.f,
                               dcol.data() + n * rows * pixels, pixels);
               },
               warmup, runs);
      report("conv2d input grad (cpu)", "sgemm Wt*dy", flops, t_ours, t_direct);
    }
    {
      const auto [t_ours, t_direct] =
          race([&] { (void)kernels::conv2d_backward_weight(dy, x, w.shape(), opt); },
               [&] {  // dW = Σ dy·colᵀ over samples
                 for (int64_t n = 0; n < kN; ++n)
                   cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, kC, rows, pixels, 1.f,
                               dyp + n * kC * pixels, pixels, col.data() + n * rows * pixels,
                               pixels, n == 0 ? 0.f : 1.f, dw.data(), rows);
               },
               warmup, runs);
      report("conv2d weight grad (cpu)", "sgemm dy*colT", flops, t_ours, t_direct);
    }
  }
}

#if defined(UFLOW_WITH_CUDA)
void bench_cuda(int warmup, int runs) {
  print_machine(Device::cuda);
  {
    const Tensor a = kernels::rand_uniform({kGemm, kGemm}, 1, 0, -1, 1, DType::f32, Device::cuda);
    const Tensor b = kernels::rand_uniform({kGemm, kGemm}, 2, 0, -1, 1, DType::f32, Device::cuda);
    Tensor c = Tensor::empty({kGemm, kGemm}, DType::f32, Device::cuda);
    const float one = 1.f, zero = 0.f;
    const auto [t_ours, t_direct] = race_gpu(
        [&] { (void)kernels::matmul(a, b); },
        [&] {
          UFLOW_CUBLAS_CHECK(cublasSetMathMode(cuda::cublas(), CUBLAS_DEFAULT_MATH));
          UFLOW_CUBLAS_CHECK(cublasSgemm(cuda::cublas(), CUBLAS_OP_N, CUBLAS_OP_N, kGemm, kGemm,
                                         kGemm, &one, b.data<float>(), kGemm, a.data<float>(),
                                         kGemm, &zero, c.data<float>(), kGemm));
        },
        warmup, runs);
    report("gemm f32 1024x1024x1024 (cuda)", "cublasSgemm", 2.0 * kGemm * kGemm * kGemm, t_ours,
           t_direct);
  }
  {
    const Tensor x = kernels::rand_uniform({kN, kC, kH, kW}, 3, 0, -1, 1, DType::f32, Device::cuda);
    const Tensor w =
        kernels::rand_uniform({kC, kC, kK, kK}, 4, 0, -0.05, 0.05, DType::f32, Device::cuda);
    Tensor y = Tensor::empty({kN, kC, kH, kW}, DType::f32, Device::cuda);
    Conv2dOptions opt;
    opt.pad_h = opt.pad_w = 1;
    // The direct call: the same descriptors and the fastest algorithm cuDNN's heuristics
    // offer, full f32 math.
    cudnnTensorDescriptor_t xd, yd;
    cudnnFilterDescriptor_t wd;
    cudnnConvolutionDescriptor_t cd;
    UFLOW_CUDNN_CHECK(cudnnCreateTensorDescriptor(&xd));
    UFLOW_CUDNN_CHECK(cudnnCreateTensorDescriptor(&yd));
    UFLOW_CUDNN_CHECK(cudnnCreateFilterDescriptor(&wd));
    UFLOW_CUDNN_CHECK(cudnnCreateConvolutionDescriptor(&cd));
    UFLOW_CUDNN_CHECK(
        cudnnSetTensor4dDescriptor(xd, CUDNN_TENSOR_NCHW, CUDNN_DATA_FLOAT, kN, kC, kH, kW));
    UFLOW_CUDNN_CHECK(
        cudnnSetTensor4dDescriptor(yd, CUDNN_TENSOR_NCHW, CUDNN_DATA_FLOAT, kN, kC, kH, kW));
    UFLOW_CUDNN_CHECK(
        cudnnSetFilter4dDescriptor(wd, CUDNN_DATA_FLOAT, CUDNN_TENSOR_NCHW, kC, kC, kK, kK));
    UFLOW_CUDNN_CHECK(cudnnSetConvolution2dDescriptor(cd, 1, 1, 1, 1, 1, 1, CUDNN_CROSS_CORRELATION,
                                                      CUDNN_DATA_FLOAT));
    UFLOW_CUDNN_CHECK(cudnnSetConvolutionMathType(cd, CUDNN_FMA_MATH));
    cudnnConvolutionFwdAlgoPerf_t perf[CUDNN_CONVOLUTION_FWD_ALGO_COUNT];
    int count = 0;
    UFLOW_CUDNN_CHECK(cudnnGetConvolutionForwardAlgorithm_v7(
        cuda::cudnn(), xd, wd, cd, yd, CUDNN_CONVOLUTION_FWD_ALGO_COUNT, &count, perf));
    int best = 0;
    while (best < count && perf[best].status != CUDNN_STATUS_SUCCESS) ++best;
    UFLOW_CHECK(best < count, "bench: cuDNN offers no forward algorithm");
    size_t ws_size = 0;
    UFLOW_CUDNN_CHECK(cudnnGetConvolutionForwardWorkspaceSize(cuda::cudnn(), xd, wd, cd, yd,
                                                              perf[best].algo, &ws_size));
    void* ws = ws_size ? cuda::allocate(ws_size) : nullptr;
    const float one = 1.f, zero = 0.f;
    const auto [t_ours, t_direct] =
        race_gpu([&] { (void)kernels::conv2d(x, w, Tensor(), opt); },
                 [&] {
                   UFLOW_CUDNN_CHECK(cudnnConvolutionForward(cuda::cudnn(), &one, xd, x.raw_data(),
                                                             wd, w.raw_data(), cd, perf[best].algo,
                                                             ws, ws_size, &zero, yd, y.raw_data()));
                 },
                 warmup, runs);
    report("conv2d 3x3 408->408 28x28 b8 (cuda)", "cudnnConvolutionFwd",
           2.0 * kN * kC * kH * kW * kC * kK * kK, t_ours, t_direct);
    if (ws) cuda::release(ws, ws_size);
    cudnnDestroyTensorDescriptor(xd);
    cudnnDestroyTensorDescriptor(yd);
    cudnnDestroyFilterDescriptor(wd);
    cudnnDestroyConvolutionDescriptor(cd);
  }
}
#endif

}  // namespace

int bench_core(const std::vector<std::string>& argv) {
  Args args("bench core",
            "Times our matmul (1024x1024x1024 f32) and conv2d (3x3, 408->408, 28x28, batch 8;\n"
            "on the CPU also its input and weight gradients) against direct OpenBLAS / cuBLAS /\n"
            "cuDNN calls of the same shape; prints GFLOP/s and the ratio ours/direct (medians\n"
            "after warm-up). The CPU's direct conv2d is the GEMMs alone on a ready im2col matrix.");
  // glibc's malloc takes several rounds before it keeps multi-megabyte blocks instead of
  // unmapping them; the warm-up reaches that steady state so that page faults of the first
  // allocations are not counted as dispatch cost.
  args.option("runs", "N", "11", "timed runs per candidate (median reported)")
      .option("warmup", "N", "10", "untimed runs of each candidate first")
      .option("device", "cpu|cuda|auto", "auto", "auto: the CPU, then CUDA when usable");
  if (!args.parse(argv)) return 0;
  const int runs = static_cast<int>(args.integer("runs"));
  const int warmup = static_cast<int>(args.integer("warmup"));
  UFLOW_CHECK(runs >= 1 && warmup >= 0, "bench core: --runs must be >= 1 and --warmup >= 0");
  const std::vector<Device> devices = parse_bench_devices(args.str("device"), "--device");
  for (const Device d : devices) {
    if (d == Device::cpu) bench_cpu(warmup, runs);
#if defined(UFLOW_WITH_CUDA)
    if (d == Device::cuda) bench_cuda(warmup, runs);
#endif
  }
  if (devices.back() == Device::cpu && args.str("device") == "auto")
    std::printf("GPU: %s; CUDA figures skipped\n", gpu_problem(cuda::gpu_status()).c_str());
  return 0;
}

}  // namespace uflow::app
