// CUDA runtime: device query, one stream, library handles bound to it, and the caching
// allocator (tensor/caching_allocator.h) on cudaMalloc/cudaFree.
#include <cstdio>

#include "tensor/cuda/check.h"
#include "tensor/cuda/runtime.h"

namespace uflow::cuda {
namespace {

// cudaMalloc is not stream-ordered, so stream capture forbids it by default; the allocator's
// blocks are not part of any graph (they outlive it in the graph's private pool), so it may run
// while a capture records the stream. (PyTorch's caching allocator does the same.)
class CudaMemory final : public DeviceMemorySource {
 public:
  void* malloc(size_t nbytes) override {
    cudaStreamCaptureMode mode = cudaStreamCaptureModeRelaxed;
    cudaThreadExchangeStreamCaptureMode(&mode);
    void* p = nullptr;
    const cudaError_t err = cudaMalloc(&p, nbytes);
    cudaThreadExchangeStreamCaptureMode(&mode);
    if (err != cudaSuccess) {
      cudaGetLastError();  // out of memory is reported by the allocator, not left sticky
      return nullptr;
    }
    return p;
  }
  void free(void* ptr) override { cudaFree(ptr); }
};

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

CachingAllocator& caching_allocator() {
  static CudaMemory* memory = new CudaMemory();
  static CachingAllocator* a = new CachingAllocator(*memory);  // never destroyed: outlives
  return *a;                                                   // static tensors
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

// cuBLAS's own workspace would be allocated inside library calls, which a graph capture
// forbids; a fixed one from our allocator (32 MiB, what NVIDIA advises for Hopper) avoids it.
constexpr size_t kCublasWorkspace = size_t{32} << 20;

cublasHandle_t cublas() {
  static cublasHandle_t h = [] {
    cublasHandle_t handle;
    UFLOW_CUBLAS_CHECK(cublasCreate(&handle));
    UFLOW_CUBLAS_CHECK(cublasSetStream(handle, stream()));
    UFLOW_CUBLAS_CHECK(cublasSetWorkspace(handle, allocate(kCublasWorkspace), kCublasWorkspace));
    // The single-stream invariant of the allocator (tensor/caching_allocator.h).
    cudaStream_t bound = nullptr;
    UFLOW_CUBLAS_CHECK(cublasGetStream(handle, &bound));
    UFLOW_CHECK(bound == stream(), "cuBLAS handle is not bound to the library stream");
    return handle;
  }();
  return h;
}

cudnnHandle_t cudnn() {
  static cudnnHandle_t h = [] {
    cudnnHandle_t handle;
    UFLOW_CUDNN_CHECK(cudnnCreate(&handle));
    UFLOW_CUDNN_CHECK(cudnnSetStream(handle, stream()));
    cudaStream_t bound = nullptr;
    UFLOW_CUDNN_CHECK(cudnnGetStream(handle, &bound));
    UFLOW_CHECK(bound == stream(), "cuDNN handle is not bound to the library stream");
    return handle;
  }();
  return h;
}

void* allocate(size_t nbytes) {
  UFLOW_CHECK(available(), "CUDA tensor requested but no usable GPU is present");
  return caching_allocator().allocate(nbytes);
}

// A block released while kernels that read it are still queued is safe to hand out again:
// whatever reuses it is queued after them on the same stream (tensor/caching_allocator.h).
void release(void* ptr, size_t) {
  caching_allocator().release(ptr);
}

void copy_bytes(void* dst, Device dst_dev, const void* src, Device src_dev, size_t nbytes) {
  if (nbytes == 0) return;
  cudaMemcpyKind kind =
      dst_dev == Device::cuda
          ? (src_dev == Device::cuda ? cudaMemcpyDeviceToDevice : cudaMemcpyHostToDevice)
          : (src_dev == Device::cuda ? cudaMemcpyDeviceToHost : cudaMemcpyHostToHost);
  UFLOW_CHECK(kind == cudaMemcpyDeviceToDevice || !capturing(),
              "a copy between host and GPU inside a CUDA graph capture (it waits for the device)");
  UFLOW_CUDA_CHECK(cudaMemcpyAsync(dst, src, nbytes, kind, stream()));
  if (kind != cudaMemcpyDeviceToDevice) UFLOW_CUDA_CHECK(cudaStreamSynchronize(stream()));
}

void synchronize() {
  if (!available()) return;
  UFLOW_CHECK(!capturing(), "synchronize() inside a CUDA graph capture");
  UFLOW_CUDA_CHECK(cudaStreamSynchronize(stream()));
}

AllocatorStats allocator_stats() {
  return caching_allocator().stats();
}

void empty_cache() {
  caching_allocator().empty_cache();
}

MemoryInfo memory_info() {
  MemoryInfo m;
  if (available()) UFLOW_CUDA_CHECK(cudaMemGetInfo(&m.free_bytes, &m.total_bytes));
  return m;
}

bool capturing() {
  return caching_allocator().capturing();
}

}  // namespace uflow::cuda
