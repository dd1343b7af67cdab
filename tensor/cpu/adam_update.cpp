// The fused Adam update on the CPU: every parameter in one parallel pass. The parameters are
// cut into blocks of kBlock elements and the blocks of all parameters shared among threads, so
// a few large weights and many small vectors balance alike.
#include <algorithm>

#include "tensor/adam_math.h"
#include "tensor/cpu/cpu_backend.h"

namespace uflow::cpu {
namespace {

constexpr int64_t kBlock = 1 << 14;

struct Block {
  size_t group;
  int64_t begin, end;
};

}  // namespace

void CpuBackend::adam_update(const std::vector<kernels::AdamTensors>& groups,
                             const AdamStepArgs& args) const {
  std::vector<Block> blocks;
  for (size_t i = 0; i < groups.size(); ++i)
    for (int64_t b = 0; b < groups[i].param.numel(); b += kBlock)
      blocks.push_back({i, b, std::min(b + kBlock, groups[i].param.numel())});
  dispatch_dtype(groups.front().param.dtype(), [&]<typename T>() {
    const adam::Coefficients<T> c = adam::coefficients<T>(args);
    const int64_t count = static_cast<int64_t>(blocks.size());
#pragma omp parallel for schedule(dynamic, 1) if (count > 1)
    for (int64_t k = 0; k < count; ++k) {
      const Block& blk = blocks[k];
      const kernels::AdamTensors& t = groups[blk.group];
      T *p = t.param.data<T>(), *m = t.m.data<T>(), *v = t.v.data<T>();
      const T* g = t.grad.data<T>();
#pragma omp simd
      for (int64_t i = blk.begin; i < blk.end; ++i) adam::update(p[i], g[i], m[i], v[i], c);
    }
  });
}

}  // namespace uflow::cpu
