// CUDA graph capture and replay on the library stream, with the allocator's private pool
// keeping every block the graph touches reserved until the graph is destroyed.
#include <string>

#include "tensor/cuda/check.h"
#include "tensor/cuda/graph.h"
#include "tensor/cuda/runtime.h"

namespace uflow::cuda {

Graph::~Graph() {
  reset();
}

void Graph::reset() {
  // A graph still running is freed by CUDA when it completes; work queued later on the stream
  // runs after it, so the pool's blocks may be handed out again at once.
  if (exec_) cudaGraphExecDestroy(static_cast<cudaGraphExec_t>(exec_));
  if (graph_) cudaGraphDestroy(static_cast<cudaGraph_t>(graph_));
  exec_ = graph_ = nullptr;
  if (pool_) caching_allocator().release_pool(pool_);
  pool_ = 0;
}

void Graph::capture(const std::function<void()>& fn) {
  reset();
  UFLOW_CHECK(available(), "CUDA graph capture requested but no usable GPU is present");
  CachingAllocator& alloc = caching_allocator();
  // The handles (and the cuBLAS workspace) must exist before the capture.
  (void)cublas();
  (void)cudnn();
  pool_ = alloc.new_pool();
  const cudaStream_t s = stream();
  UFLOW_CUDA_CHECK(cudaStreamBeginCapture(s, cudaStreamCaptureModeThreadLocal));
  alloc.begin_capture(pool_);
  std::string failure;
  try {
    fn();
  } catch (const std::exception& e) {
    failure = e.what();
  }
  alloc.end_capture();
  cudaGraph_t g = nullptr;
  const cudaError_t end = cudaStreamEndCapture(s, &g);
  graph_ = g;
  if (failure.empty() && end != cudaSuccess)
    failure = detail::concat(cudaGetErrorName(end), " (", cudaGetErrorString(end), ")");
  if (failure.empty()) {
    cudaGraphExec_t exec = nullptr;
    const cudaError_t inst = cudaGraphInstantiate(&exec, g, 0);
    if (inst == cudaSuccess)
      exec_ = exec;
    else
      failure = detail::concat("instantiation: ", cudaGetErrorString(inst));
  }
  if (!failure.empty()) {
    cudaGetLastError();  // a failed capture leaves its error sticky for the next check
    reset();
    UFLOW_FAIL("CUDA graph capture failed: ", failure);
  }
}

void Graph::replay() const {
  UFLOW_CHECK(exec_, "CUDA graph replay before a successful capture");
  UFLOW_CUDA_CHECK(cudaGraphLaunch(static_cast<cudaGraphExec_t>(exec_), stream()));
}

}  // namespace uflow::cuda
