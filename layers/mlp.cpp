#include "layers/mlp.h"

#include <algorithm>
#include <vector>

namespace uflow {
namespace {

// Rows per block of the blocked inference path: the block's hidden activations (512 × 3072
// floats, 6 MB for cait_m48) stay in the last-level cache between fc1, bias + GELU and fc2.
constexpr int64_t kRowBlock = 512;

}  // namespace

Mlp::Mlp(int64_t dim, int64_t hidden, Generator& gen) {
  fc1_ = register_module("fc1", std::make_shared<Linear>(dim, hidden, true, gen));
  fc2_ = register_module("fc2", std::make_shared<Linear>(hidden, dim, true, gen));
}

// fc1 as its GEMM alone, then fc1's bias add and the GELU in one pass over the (…, hidden)
// activations (bias_gelu) instead of two passes and two allocations.
Tensor Mlp::forward_rows(const Tensor& x) const {
  const Tensor pre = linear(x, fc1_->weight(), Tensor());
  return fc2_->forward(bias_gelu(pre, fc1_->bias()));
}

// Under inference on the CPU, many rows (the paper extractor at batch 8: 6280 tokens, a
// 77 MB hidden tensor) go through in blocks of rows: each row's result depends on that row
// only, and the hidden activations of a block are read back from cache instead of memory.
// Training keeps one pass over all rows (the tape needs whole tensors).
Tensor Mlp::forward(const Tensor& x) const {
  const int64_t dim = x.size(-1), rows = dim > 0 ? x.numel() / dim : 0;
  if (x.is_cuda() || rows < 2 * kRowBlock ||
      needs_grad({x, fc1_->weight(), fc1_->bias(), fc2_->weight(), fc2_->bias()}))
    return forward_rows(x);
  const Tensor flat = reshape(x, {rows, dim});
  std::vector<Tensor> blocks;
  for (int64_t r0 = 0; r0 < rows; r0 += kRowBlock)
    blocks.push_back(forward_rows(narrow(flat, 0, r0, std::min(kRowBlock, rows - r0))));
  Shape shape = x.shape();
  shape.back() = fc2_->out_features();
  return reshape(cat(blocks, 0), shape);
}

}  // namespace uflow
