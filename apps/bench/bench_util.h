// What every `uflow bench` entry shares: wall-clock medians after warm-up, the machine's
// description, the thread count, the GEMM rate measured in the same run, and one
// machine-readable result line per figure so that scripts can set our figures beside the
// PyTorch reference's (tools/reference/bench_torch.py prints the same lines).
#pragma once
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "apps/cli/args.h"
#include "tensor/dtype.h"

namespace uflow::app::bench {

double median(std::vector<double> v);
double seconds_of(const std::function<void()>& fn);

// Median wall seconds of fn over `runs` calls after `warmup` untimed ones. On the GPU each
// call is followed by a device synchronisation, so the time covers the queued work.
double median_seconds(const std::function<void()>& fn, int warmup, int runs, Device device);

// Alternates two candidates call by call so that drifting machine load hits both alike;
// returns their medians in seconds (CPU wall time).
std::pair<double, double> race(const std::function<void()>& a, const std::function<void()>& b,
                               int warmup, int runs);
#if defined(UFLOW_WITH_CUDA)
// The same with CUDA events on the library's stream around each call.
std::pair<double, double> race_gpu(const std::function<void()>& a, const std::function<void()>& b,
                                   int warmup, int runs);
#endif

std::string cpu_model();  // "model name" of /proc/cpuinfo
std::string gpu_name();   // the current device's name, or "" without a usable GPU

// Sets the OpenMP and OpenBLAS thread counts (n <= 0 keeps them) and returns the count in use.
int set_threads(int n);
int thread_count();

// Prints the machine lines: CPU model, threads and BLAS build; the GPU (and TF32 mode) when
// `device` is cuda.
void print_machine(Device device);

// The rate of one square f32 GEMM of size n issued straight to OpenBLAS (cpu) or cuBLAS
// (cuda, TF32 when the library's TF32 mode is on), median of `runs` after `warmup`.
struct GemmCeiling {
  int64_t n = 0;
  double seconds = 0;
  double gflops = 0;
};
GemmCeiling gemm_ceiling(Device device, int64_t n, int warmup, int runs);
// A size that takes a few tens of milliseconds on the device: 2048 on the CPU, 8192 on the GPU.
int64_t default_gemm_size(Device device);

// One comparable line: "RESULT bench=flow case=train device=cuda batch=16 ms_per_image=3.2
// [gflops=...]". gflops <= 0 is left out.
void print_result(const std::string& bench, const std::string& what, Device device, int64_t batch,
                  double ms_per_image, double gflops = 0);

// "1,16,32" -> {1, 16, 32}; each value must be >= 1.
std::vector<int64_t> parse_batches(const std::string& list, const char* command);

// The options every model benchmark shares (--device, --batch, --runs, --warmup, --threads,
// --gemm, --tf32, --precision, --graph, --profile), with defaults that differ between the CPU
// and CUDA.
struct ModelBenchDefaults {
  const char* batches_cpu;
  const char* batches_gpu;
  int runs_cpu, runs_gpu;
  int warmup_cpu, warmup_gpu;
};
void add_model_bench_options(Args& args, const ModelBenchDefaults& d, const char* per_what);
struct ModelBenchSetup {
  Device device = Device::cpu;
  bool gpu = false;
  bool profile = false;  // --profile: one more call with the op profiler on, then its table
  bool graph = false;    // --graph: also time replays of a captured CUDA graph
  std::vector<int64_t> batches;
  int runs = 1, warmup = 0;
  GemmCeiling ceiling;
};
// Reads those options, applies --threads, --tf32 and --precision, prints the machine and
// measures the GEMM ceiling of the same run.
ModelBenchSetup model_bench_setup(const Args& args, const ModelBenchDefaults& d,
                                  const char* command);

// Runs fn once with the op profiler (tensor/profiler.h) on and prints where its time went: one
// row per (region, kind of op), exclusive times, largest first, with the share of the total.
void print_profile(const std::string& title, const std::function<void()>& fn);

}  // namespace uflow::app::bench
