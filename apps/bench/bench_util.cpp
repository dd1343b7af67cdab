#include "apps/bench/bench_util.h"

#include <cblas.h>
#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "apps/commands/device_option.h"
#include "tensor/backend.h"
#include "tensor/cuda/math_mode.h"
#include "tensor/cuda/runtime.h"
#include "tensor/ops.h"
#include "tensor/profiler.h"
#if defined(UFLOW_WITH_CUDA)
#include "tensor/cuda/check.h"
#endif

namespace uflow::app::bench {

double median(std::vector<double> v) {
  UFLOW_CHECK(!v.empty(), "median of no values");
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

double seconds_of(const std::function<void()>& fn) {
  const auto t0 = std::chrono::steady_clock::now();
  fn();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

double median_seconds(const std::function<void()>& fn, int warmup, int runs, Device device) {
  const bool sync = device == Device::cuda;
  auto call = [&] {
    fn();
    if (sync) cuda::synchronize();
  };
  if (sync) cuda::synchronize();
  for (int i = 0; i < warmup; ++i) call();
  std::vector<double> t;
  for (int i = 0; i < runs; ++i) t.push_back(seconds_of(call));
  return median(t);
}

std::pair<double, double> race(const std::function<void()>& a, const std::function<void()>& b,
                               int warmup, int runs) {
  for (int i = 0; i < warmup; ++i) {
    a();
    b();
  }
  std::vector<double> ta, tb;
  for (int i = 0; i < runs; ++i) {
    ta.push_back(seconds_of(a));
    tb.push_back(seconds_of(b));
  }
  return {median(ta), median(tb)};
}

#if defined(UFLOW_WITH_CUDA)
std::pair<double, double> race_gpu(const std::function<void()>& a, const std::function<void()>& b,
                                   int warmup, int runs) {
  cudaEvent_t start, stop;
  UFLOW_CUDA_CHECK(cudaEventCreate(&start));
  UFLOW_CUDA_CHECK(cudaEventCreate(&stop));
  auto timed = [&](const std::function<void()>& fn) {
    UFLOW_CUDA_CHECK(cudaEventRecord(start, cuda::stream()));
    fn();
    UFLOW_CUDA_CHECK(cudaEventRecord(stop, cuda::stream()));
    UFLOW_CUDA_CHECK(cudaEventSynchronize(stop));
    float ms = 0;
    UFLOW_CUDA_CHECK(cudaEventElapsedTime(&ms, start, stop));
    return ms * 1e-3;
  };
  for (int i = 0; i < warmup; ++i) {
    timed(a);
    timed(b);
  }
  std::vector<double> ta, tb;
  for (int i = 0; i < runs; ++i) {
    ta.push_back(timed(a));
    tb.push_back(timed(b));
  }
  cudaEventDestroy(start);
  cudaEventDestroy(stop);
  return {median(ta), median(tb)};
}
#endif

std::string cpu_model() {
  std::ifstream f("/proc/cpuinfo");
  std::string line;
  while (std::getline(f, line))
    if (line.rfind("model name", 0) == 0) return line.substr(line.find(':') + 2);
  return "unknown CPU";
}

std::string gpu_name() {
#if defined(UFLOW_WITH_CUDA)
  if (!cuda::available()) return "";
  cudaDeviceProp prop{};
  int dev = 0;
  UFLOW_CUDA_CHECK(cudaGetDevice(&dev));
  UFLOW_CUDA_CHECK(cudaGetDeviceProperties(&prop, dev));
  return prop.name;
#else
  return "";
#endif
}

int set_threads(int n) {
  if (n > 0) {
    omp_set_num_threads(n);
    openblas_set_num_threads(n);
  }
  return thread_count();
}

int thread_count() {
  return omp_get_max_threads();
}

void print_machine(Device device) {
  // The OpenMP wait policy is printed because, with a pthread OpenBLAS, spinning OpenMP
  // workers compete with the BLAS threads for the cores and change the figures severalfold.
  const char* wait_policy = std::getenv("OMP_WAIT_POLICY");
  std::printf("machine: CPU %s; %d threads (OpenMP %d, OpenBLAS %d); OMP_WAIT_POLICY %s; %s\n",
              cpu_model().c_str(), thread_count(), omp_get_max_threads(),
              openblas_get_num_threads(), wait_policy ? wait_policy : "unset",
              openblas_get_config());
  if (device == Device::cuda)
    std::printf("machine: GPU %s; float32 math %s\n", gpu_name().c_str(),
                cuda::precision() == cuda::Precision::fp32
                    ? "fp32 (full f32)"
                    : (cuda::precision() == cuda::Precision::tf32
                           ? "tf32 (TF32 allowed)"
                           : "bf16 (GEMM inputs rounded to bf16, convolutions TF32)"));
  std::fflush(stdout);
}

int64_t default_gemm_size(Device device) {
  return device == Device::cuda ? 8192 : 2048;
}

GemmCeiling gemm_ceiling(Device device, int64_t n, int warmup, int runs) {
  GemmCeiling g;
  g.n = n;
  const Tensor a = kernels::rand_uniform({n, n}, 11, 0, -1, 1, DType::f32, device);
  const Tensor b = kernels::rand_uniform({n, n}, 12, 0, -1, 1, DType::f32, device);
  Tensor c = Tensor::empty({n, n}, DType::f32, device);
  const int ni = static_cast<int>(n);
  std::function<void()> gemm;
  if (device == Device::cpu) {
    gemm = [&] {
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, ni, ni, ni, 1.f, a.data<float>(), ni,
                  b.data<float>(), ni, 0.f, c.data<float>(), ni);
    };
  } else {
    // The backend's own GEMM (one cuBLAS call), so the ceiling follows the precision mode.
    GemmArgs args;
    args.m = args.n = args.k = n;
    args.a = {a.raw_data(), false, n, 0};
    args.b = {b.raw_data(), false, n, 0};
    args.c = c.raw_data();
    args.ldc = n;
    gemm = [&, args] { backend(device).gemm(args); };
  }
  g.seconds = median_seconds(gemm, warmup, runs, device);
  g.gflops = 2.0 * static_cast<double>(n) * static_cast<double>(n) * static_cast<double>(n) /
             g.seconds * 1e-9;
  std::printf("GEMM ceiling (%s, f32 %lldx%lldx%lld, %s): %.1f GFLOP/s (%.2f ms)\n",
              device_name(device), static_cast<long long>(n), static_cast<long long>(n),
              static_cast<long long>(n),
              device == Device::cpu
                  ? "cblas_sgemm"
                  : (std::string("cuBLAS, ") + cuda::to_string(cuda::precision())).c_str(),
              g.gflops, g.seconds * 1e3);
  std::fflush(stdout);
  return g;
}

void print_result(const std::string& bench, const std::string& what, Device device, int64_t batch,
                  double ms_per_image, double gflops) {
  std::printf("RESULT bench=%s case=%s device=%s batch=%lld ms_per_image=%.4g", bench.c_str(),
              what.c_str(), device_name(device), static_cast<long long>(batch), ms_per_image);
  if (gflops > 0) std::printf(" gflops=%.1f", gflops);
  std::printf("\n");
  std::fflush(stdout);
}

std::vector<int64_t> parse_batches(const std::string& list, const char* command) {
  std::vector<int64_t> out;
  std::stringstream ss(list);
  std::string item;
  while (std::getline(ss, item, ',')) {
    char* end = nullptr;
    const long long v = std::strtoll(item.c_str(), &end, 10);
    UFLOW_CHECK(!item.empty() && *end == '\0' && v >= 1, command,
                ": --batch takes positive integers separated by commas, got '", list, "'");
    out.push_back(v);
  }
  UFLOW_CHECK(!out.empty(), command, ": --batch is empty");
  return out;
}

void add_model_bench_options(Args& args, const ModelBenchDefaults& d, const char* per_what) {
  const std::string w = per_what;
  args.option("device", "cpu|cuda|auto", "auto", "where to run (auto: cuda when usable)")
      .option("batch", "N[,N...]", "",
              "images per " + w + "; a list runs each (default " + d.batches_cpu + " on the CPU, " +
                  d.batches_gpu + " on CUDA)")
      .option("runs", "N", "",
              "timed calls per measurement (default " + std::to_string(d.runs_cpu) +
                  " on the CPU, " + std::to_string(d.runs_gpu) + " on CUDA)")
      .option("warmup", "N", "",
              "untimed calls first (default " + std::to_string(d.warmup_cpu) + " on the CPU, " +
                  std::to_string(d.warmup_gpu) + " on CUDA)")
      .option("threads", "N", "0", "CPU threads (OpenMP and OpenBLAS); 0 keeps the default")
      .option("gemm", "N", "", "size of the GEMM ceiling (default 2048 on the CPU, 8192 on CUDA)")
      .flag("tf32", "allow TF32 tensor cores on the GPU (model and ceiling alike)")
      .option("precision", "fp32|tf32|bf16", "",
              "float32 math on the GPU (tensor/cuda/math_mode.h): fp32, tf32 (= --tf32) or bf16 "
              "(GEMM inputs rounded to bf16, f32 accumulation; convolutions TF32)")
      .flag("graph", "also time the " + w +
                         " replayed as a CUDA graph (captured once per batch size after a warm-up)")
      .flag("profile",
            "after the timings, one more " + w +
                " with the op profiler on: time per kind of op (GEMM, attention, softmax, ...)");
}

ModelBenchSetup model_bench_setup(const Args& args, const ModelBenchDefaults& d,
                                  const char* command) {
  ModelBenchSetup s;
  s.device = parse_device(args.str("device"));
  s.gpu = s.device == Device::cuda;
  s.profile = args.has("profile");
  s.batches = parse_batches(
      args.has("batch") ? args.str("batch") : (s.gpu ? d.batches_gpu : d.batches_cpu), command);
  s.runs =
      static_cast<int>(args.has("runs") ? args.integer("runs") : (s.gpu ? d.runs_gpu : d.runs_cpu));
  s.warmup = static_cast<int>(args.has("warmup") ? args.integer("warmup")
                                                 : (s.gpu ? d.warmup_gpu : d.warmup_cpu));
  UFLOW_CHECK(s.runs >= 1 && s.warmup >= 0, command, ": --runs must be >= 1, --warmup >= 0");
  const int64_t gemm_n = args.has("gemm") ? args.integer("gemm") : default_gemm_size(s.device);
  set_threads(static_cast<int>(args.integer("threads")));
  if (args.has("tf32")) cuda::set_allow_tf32(true);
  if (args.has("precision")) {
    const cuda::Precision p = cuda::parse_precision(args.str("precision"), "--precision");
    UFLOW_CHECK(!args.has("tf32") || p == cuda::Precision::tf32, command,
                ": --tf32 and --precision ", cuda::to_string(p), " disagree");
    cuda::set_precision(p);
  }
  s.graph = args.has("graph");
  UFLOW_CHECK(!s.graph || s.gpu, command, ": --graph needs --device cuda (CUDA graphs)");
  print_machine(s.device);
  s.ceiling = gemm_ceiling(s.device, gemm_n, s.gpu ? 3 : 1, s.gpu ? 10 : 5);
  return s;
}

}  // namespace uflow::app::bench

namespace uflow::app::bench {

void print_profile(const std::string& title, const std::function<void()>& fn) {
  profile::reset();
  profile::set_enabled(true);
  double total = 0;
  try {
    total = seconds_of(fn);
  } catch (...) {
    profile::set_enabled(false);
    throw;
  }
  profile::set_enabled(false);
  const std::vector<profile::Row> rows = profile::rows();
  double counted = 0;
  for (const profile::Row& r : rows) counted += r.seconds;
  std::printf("profile: %s, %.1f ms in all (%.1f ms inside ops, %.1f%%)\n", title.c_str(),
              total * 1e3, counted * 1e3, total > 0 ? 100.0 * counted / total : 0.0);
  std::printf("  %-16s %-26s %10s %7s %8s\n", "region", "op kind", "ms", "share", "calls");
  for (const profile::Row& r : rows) {
    if (r.seconds < 1e-3 * total && r.seconds < 1e-4) continue;
    std::printf("  %-16s %-26s %10.2f %6.1f%% %8lld\n", r.region.empty() ? "-" : r.region.c_str(),
                profile::kind_name(r.kind), r.seconds * 1e3,
                total > 0 ? 100.0 * r.seconds / total : 0.0, static_cast<long long>(r.calls));
  }
  std::printf("  %-16s %-26s %10.2f %6.1f%%\n", "-", "outside ops (framework, tape)",
              (total - counted) * 1e3, total > 0 ? 100.0 * (total - counted) / total : 0.0);
  std::fflush(stdout);
}

}  // namespace uflow::app::bench
