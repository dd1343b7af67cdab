#include "tensor/profiler.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <utility>

#include "tensor/cuda/runtime.h"

namespace uflow::profile {
namespace {

using Clock = std::chrono::steady_clock;

std::atomic<bool> g_enabled{false};
std::mutex g_mutex;
std::map<std::pair<std::string, Kind>, Row> g_rows;

struct Frame {
  Kind kind;
  Clock::time_point resumed;  // when this frame last started counting
  double seconds = 0;         // exclusive time so far
};
thread_local std::vector<Frame> t_frames;
thread_local std::vector<const char*> t_regions;

double since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

}  // namespace

const char* kind_name(Kind kind) {
  switch (kind) {
    case Kind::gemm:
      return "gemm";
    case Kind::attention:
      return "fused attention";
    case Kind::coupling:
      return "fused coupling";
    case Kind::optimizer:
      return "optimizer (Adam)";
    case Kind::conv:
      return "conv2d";
    case Kind::softmax:
      return "softmax";
    case Kind::layer_norm:
      return "layer_norm";
    case Kind::gelu:
      return "gelu";
    case Kind::elementwise:
      return "element-wise";
    case Kind::reduction:
      return "reduction";
    case Kind::copy:
      return "copy";
    case Kind::shape:
      return "shape (pad, cat, permute)";
    case Kind::interpolate:
      return "interpolate";
    case Kind::random:
      return "random";
    case Kind::allocation:
      return "allocation";
    case Kind::nfa:
      return "nfa";
    case Kind::other:
      return "other";
  }
  return "?";
}

void set_enabled(bool on) {
  g_enabled.store(on);
}
bool enabled() {
  return g_enabled.load(std::memory_order_relaxed);
}

void reset() {
  std::lock_guard<std::mutex> lock(g_mutex);
  g_rows.clear();
}

std::vector<Row> rows() {
  std::vector<Row> out;
  {
    std::lock_guard<std::mutex> lock(g_mutex);
    for (const auto& [key, row] : g_rows) out.push_back(row);
  }
  std::sort(out.begin(), out.end(),
            [](const Row& a, const Row& b) { return a.seconds > b.seconds; });
  return out;
}

void Scope::begin(Kind kind) {
  active_ = true;
  if (!t_frames.empty()) t_frames.back().seconds += since(t_frames.back().resumed);
  t_frames.push_back({kind, Clock::now(), 0.0});
}

void Scope::end() {
  // The GPU runs asynchronously: wait for this op's kernels so they count here.
  cuda::synchronize();
  Frame f = t_frames.back();
  t_frames.pop_back();
  f.seconds += since(f.resumed);
  const std::string region = t_regions.empty() ? "" : t_regions.back();
  {
    std::lock_guard<std::mutex> lock(g_mutex);
    Row& row = g_rows[{region, f.kind}];
    row.region = region;
    row.kind = f.kind;
    row.seconds += f.seconds;
    ++row.calls;
  }
  if (!t_frames.empty()) t_frames.back().resumed = Clock::now();
}

void Region::begin(const char* name) {
  active_ = true;
  t_regions.push_back(name);
}

void Region::end() {
  t_regions.pop_back();
}

}  // namespace uflow::profile
