// CUDA runtime: device query, one stream, library handles
// and a caching allocator. Freed blocks go to per-size free lists and are reused, so a
// training step in steady state makes no cudaMalloc/cudaFree calls.
#include <map>
#include <mutex>
#include <unordered_map>

#include "tensor/cuda/check.h"
#include "tensor/cuda/runtime.h"

namespace uflow::cuda {
namespace {

struct Allocator {
  std::mutex mu;
  std::multimap<size_t, void*> free_blocks;  // rounded size -> block
  std::unordered_map<void*, size_t> sizes;   // block -> rounded size (live blocks)
  AllocatorStats stats;
};

Allocator& allocator() {
  static Allocator* a = new Allocator();  // never destroyed: outlives static tensors
  return *a;
}

// Small sizes round to 512 bytes, large ones to 2 MiB, so near sizes share blocks.
size_t round_size(size_t n) {
  const size_t q = n < (1u << 20) ? 512 : (2u << 20);
  return (n + q - 1) / q * q;
}

// CUDA versions are encoded as 1000·major + 10·minor.
std::string version_str(int v) {
  return detail::concat(v / 1000, ".", (v % 1000) / 10);
}

}  // namespace

GpuStatus gpu_status() {
  static const GpuStatus status = [] {
    int n = 0;
    const cudaError_t err = cudaGetDeviceCount(&n);
    if (err == cudaSuccess && n > 0) return GpuStatus{GpuState::usable, ""};
    // The version queries answer without a device; driver 0 means no driver is installed.
    int driver = 0, runtime = 0;
    cudaDriverGetVersion(&driver);
    cudaRuntimeGetVersion(&runtime);
    cudaGetLastError();  // clear the sticky error so later queries are clean
    if (err == cudaSuccess || err == cudaErrorNoDevice)
      return GpuStatus{GpuState::no_gpu, "CUDA reports no device"};
    if (driver == 0) return GpuStatus{GpuState::no_gpu, "no CUDA driver is installed"};
    if (err == cudaErrorInsufficientDriver)
      return GpuStatus{
          GpuState::unusable,
          detail::concat("the NVIDIA driver is too old for this build: it supports CUDA ",
                         version_str(driver), ", this build needs CUDA ", version_str(runtime))};
    return GpuStatus{GpuState::unusable,
                     detail::concat("CUDA cannot use the GPU: ", cudaGetErrorName(err), " (",
                                    cudaGetErrorString(err), ")")};
  }();
  return status;
}

bool available() {
  static const bool ok = gpu_status().state == GpuState::usable;  // asked on every allocation
  return ok;
}

cudaStream_t stream() {
  static cudaStream_t s = [] {
    UFLOW_CHECK(available(), "CUDA requested but no usable GPU is present");
    cudaStream_t st;
    UFLOW_CUDA_CHECK(cudaStreamCreateWithFlags(&st, cudaStreamNonBlocking));
    return st;
  }();
  return s;
}

cublasHandle_t cublas() {
  static cublasHandle_t h = [] {
    cublasHandle_t handle;
    UFLOW_CUBLAS_CHECK(cublasCreate(&handle));
    UFLOW_CUBLAS_CHECK(cublasSetStream(handle, stream()));
    return handle;
  }();
  return h;
}

cudnnHandle_t cudnn() {
  static cudnnHandle_t h = [] {
    cudnnHandle_t handle;
    UFLOW_CUDNN_CHECK(cudnnCreate(&handle));
    UFLOW_CUDNN_CHECK(cudnnSetStream(handle, stream()));
    return handle;
  }();
  return h;
}

void* allocate(size_t nbytes) {
  UFLOW_CHECK(available(), "CUDA tensor requested but no usable GPU is present");
  Allocator& a = allocator();
  const size_t sz = round_size(nbytes);
  std::lock_guard<std::mutex> lock(a.mu);
  auto it = a.free_blocks.lower_bound(sz);
  // Reuse a cached block unless it is much larger than asked (avoids pinning huge blocks).
  if (it != a.free_blocks.end() && it->first <= 2 * sz) {
    void* p = it->second;
    a.stats.cached_bytes -= it->first;
    a.stats.in_use_bytes += it->first;
    a.sizes[p] = it->first;
    a.free_blocks.erase(it);
    return p;
  }
  void* p = nullptr;
  cudaError_t err = cudaMalloc(&p, sz);
  if (err != cudaSuccess) {
    // Out of memory with a full cache: give the cache back and try once more.
    cudaGetLastError();
    for (auto& [s, blk] : a.free_blocks) cudaFree(blk);
    a.free_blocks.clear();
    a.stats.cached_bytes = 0;
    UFLOW_CUDA_CHECK(cudaMalloc(&p, sz));
  }
  ++a.stats.device_mallocs;
  a.stats.in_use_bytes += sz;
  a.sizes[p] = sz;
  return p;
}

void release(void* ptr, size_t) {
  Allocator& a = allocator();
  std::lock_guard<std::mutex> lock(a.mu);
  auto it = a.sizes.find(ptr);
  if (it == a.sizes.end()) return;
  // Kernels queued on the single stream that still read this block run before any kernel that
  // reuses it, so no synchronisation is needed here.
  a.free_blocks.emplace(it->second, ptr);
  a.stats.in_use_bytes -= it->second;
  a.stats.cached_bytes += it->second;
  a.sizes.erase(it);
}

void copy_bytes(void* dst, Device dst_dev, const void* src, Device src_dev, size_t nbytes) {
  if (nbytes == 0) return;
  cudaMemcpyKind kind =
      dst_dev == Device::cuda
          ? (src_dev == Device::cuda ? cudaMemcpyDeviceToDevice : cudaMemcpyHostToDevice)
          : (src_dev == Device::cuda ? cudaMemcpyDeviceToHost : cudaMemcpyHostToHost);
  UFLOW_CUDA_CHECK(cudaMemcpyAsync(dst, src, nbytes, kind, stream()));
  if (kind != cudaMemcpyDeviceToDevice) UFLOW_CUDA_CHECK(cudaStreamSynchronize(stream()));
}

void synchronize() {
  if (available()) UFLOW_CUDA_CHECK(cudaStreamSynchronize(stream()));
}

AllocatorStats allocator_stats() {
  std::lock_guard<std::mutex> lock(allocator().mu);
  return allocator().stats;
}

void empty_cache() {
  Allocator& a = allocator();
  std::lock_guard<std::mutex> lock(a.mu);
  for (auto& [s, blk] : a.free_blocks) cudaFree(blk);
  a.free_blocks.clear();
  a.stats.cached_bytes = 0;
}

}  // namespace uflow::cuda
