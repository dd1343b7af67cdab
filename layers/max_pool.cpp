#include "layers/max_pool.h"

#include <algorithm>

namespace uflow {

Tensor max_pool2d(const Tensor& x, int64_t kernel, int64_t stride, int64_t padding) {
  UFLOW_CHECK(x.dim() == 4, "max_pool2d: expected (B, C, H, W), got ", shape_str(x.shape()));
  UFLOW_CHECK(kernel >= 1 && stride >= 1 && padding >= 0 && 2 * padding <= kernel,
              "max_pool2d: kernel ", kernel, ", stride ", stride, ", padding ", padding,
              " (padding at most half the kernel)");
  const int64_t H = x.size(2) + 2 * padding, W = x.size(3) + 2 * padding;
  UFLOW_CHECK(H >= kernel && W >= kernel, "max_pool2d: input ", shape_str(x.shape()),
              " smaller than the kernel ", kernel);
  const int64_t oh = (H - kernel) / stride + 1, ow = (W - kernel) / stride + 1;
  // Zero padding stands for −inf once every value is shifted to be >= 0: the shift is the
  // input's minimum when negative (a constant, so no gradient flows through it), and 0 for
  // non-negative inputs such as ResNet's, whose pool follows a ReLU: exact there.
  double shift = 0;
  if (padding > 0) {
    NoGradGuard no_grad;
    shift = std::min(0.0, min(x).item());
  }
  const Tensor base = shift < 0 ? x - shift : x;
  const Tensor padded = padding > 0 ? pad2d(base, padding, padding, padding, padding) : base;
  Tensor out;
  for (int64_t dy = 0; dy < kernel; ++dy)
    for (int64_t dx = 0; dx < kernel; ++dx) {
      const Tensor win = slice(slice(padded, 2, dy, dy + (oh - 1) * stride + 1, stride), 3, dx,
                               dx + (ow - 1) * stride + 1, stride);
      out = out.defined() ? maximum(out, win) : win;
    }
  return shift < 0 ? out + shift : contiguous(out);
}

}  // namespace uflow
