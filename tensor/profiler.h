// Where the time of a forward or training step goes, by kind of op: `uflow bench ... --profile`.
// Off by default; when off, a Scope costs one branch. When on, every op dispatcher
// (tensor/ops_*.cpp) and every storage allocation opens a Scope of its kind, and the time spent
// inside it, minus the time of scopes nested in it (a contiguous() copy inside a matmul counts
// as a copy), is added to the row (region, kind). Layers name regions ("attention",
// "talking-heads", "coupling", ...) with Region, so one kind of op can be split by where it runs.
// On the GPU, a scope ends with a device synchronisation so that its time is the kernels' time:
// profiling serialises the GPU and the total is larger than an unprofiled run.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace uflow::profile {

enum class Kind {
  gemm,
  attention,  // the fused talking-heads attention (GEMMs, head mixes and softmax together)
  coupling,   // the fused affine coupling of the flow blocks
  optimizer,  // the fused Adam update
  conv,
  softmax,
  layer_norm,
  gelu,
  elementwise,
  reduction,
  copy,
  shape,
  interpolate,
  random,
  allocation,
  nfa,
  other,
};
const char* kind_name(Kind kind);

struct Row {
  std::string region;  // innermost Region, "" outside any
  Kind kind;
  double seconds = 0;  // exclusive time
  int64_t calls = 0;
};

void set_enabled(bool on);
bool enabled();
void reset();
std::vector<Row> rows();  // sorted by time, largest first

// Times the enclosing block as one op of `kind` (exclusive of nested scopes).
class Scope {
 public:
  explicit Scope(Kind kind) {
    if (enabled()) begin(kind);
  }
  ~Scope() {
    if (active_) end();
  }
  Scope(const Scope&) = delete;
  Scope& operator=(const Scope&) = delete;

 private:
  void begin(Kind kind);
  void end();
  bool active_ = false;
};

// Names the region of the ops run while it lives (nested regions: the innermost counts).
class Region {
 public:
  explicit Region(const char* name) {
    if (enabled()) begin(name);
  }
  ~Region() {
    if (active_) end();
  }
  Region(const Region&) = delete;
  Region& operator=(const Region&) = delete;

 private:
  void begin(const char* name);
  void end();
  bool active_ = false;
};

}  // namespace uflow::profile
