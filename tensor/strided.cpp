#include "tensor/strided.h"

namespace uflow {

Shape broadcast_strides(const Tensor& t, const Shape& out_shape) {
  const size_t n = out_shape.size(), m = t.shape().size();
  UFLOW_CHECK(m <= n, "cannot broadcast ", shape_str(t.shape()), " to ", shape_str(out_shape));
  Shape st(n, 0);
  for (size_t i = 0; i < m; ++i) {
    const size_t o = n - m + i;
    const int64_t d = t.shape()[i];
    UFLOW_CHECK(d == out_shape[o] || d == 1, "cannot broadcast ", shape_str(t.shape()), " to ",
                shape_str(out_shape));
    st[o] = (d == 1 && out_shape[o] != 1) ? 0 : t.strides()[i];
  }
  return st;
}

}  // namespace uflow
