// CUDA graphs: the work one call queues on the library's stream, recorded once and replayed
// with the same device addresses, which removes the per-kernel launch cost of a fixed-shape
// forward. Exists in every build; without CUDA, capture() throws.
//
// What a capture requires (else capture() throws, or the replay would be wrong):
//  - the captured call has run once before with the same shapes (a warm-up): cuDNN measures
//    its algorithms, the interpolation and permutation tables are uploaded and the cuBLAS
//    workspace exists, all of which synchronise and cannot happen during a capture;
//  - it never waits for the device (no .item(), to_vector(), copy to the host): a wait on a
//    capturing stream fails, and capture() reports it;
//  - its inputs live in tensors allocated before the capture and kept alive by the caller,
//    and are refilled in place (kernels::copy_) before each replay; its outputs are the
//    tensors the captured call produced, overwritten by each replay.
// Memory the capture allocates, and every block released during it, belongs to the graph's
// private pool (tensor/caching_allocator.h) until the graph is destroyed.
#pragma once
#include <cstdint>
#include <functional>

namespace uflow::cuda {

class Graph {
 public:
  Graph() = default;
  ~Graph();
  Graph(const Graph&) = delete;
  Graph& operator=(const Graph&) = delete;

  // Records the work fn queues on the library stream (fn runs once on the host; its kernels
  // do not run). Throws uflow::Error naming the CUDA error when the capture fails.
  void capture(const std::function<void()>& fn);
  // Queues the recorded work on the library stream.
  void replay() const;
  bool captured() const { return exec_ != nullptr; }

 private:
  void reset();
  void* graph_ = nullptr;  // cudaGraph_t
  void* exec_ = nullptr;   // cudaGraphExec_t
  uint64_t pool_ = 0;      // the allocator's private pool
};

}  // namespace uflow::cuda
