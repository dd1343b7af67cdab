// Creation, copies, device and dtype conversion.
#include "tensor/backend.h"
#include "tensor/cuda/runtime.h"
#include "tensor/op_checks.h"
#include "tensor/ops.h"
#include "tensor/profiler.h"

namespace uflow::kernels {

Tensor zeros(const Shape& shape, DType dtype, Device device) {
  return full(shape, 0.0, dtype, device);
}
Tensor ones(const Shape& shape, DType dtype, Device device) {
  return full(shape, 1.0, dtype, device);
}

Tensor full(const Shape& shape, double value, DType dtype, Device device) {
  Tensor t = Tensor::empty(shape, dtype, device);
  fill_(t, value);
  return t;
}

Tensor arange(int64_t n, DType dtype, Device device) {
  UFLOW_CHECK(n >= 0, "arange: negative length ", n);
  std::vector<double> v(n);
  for (int64_t i = 0; i < n; ++i) v[i] = static_cast<double>(i);
  return Tensor::from_vector(v, {n}, dtype, device);
}

void copy_(const Tensor& dst, const Tensor& src) {
  profile::Scope scope(profile::Kind::copy);
  (void)broadcast_shapes(dst.shape(), src.shape());
  UFLOW_CHECK(broadcast_shapes(dst.shape(), src.shape()) == dst.shape(), "copy_: source ",
              shape_str(src.shape()), " does not broadcast to destination ",
              shape_str(dst.shape()));
  if (dst.device() == src.device()) return backend_of(dst).copy_strided(dst, src);
  // Across devices: make a contiguous source of dst's shape and dtype on its own device, then
  // move the bytes, then scatter into dst's strides if dst is not contiguous.
  Tensor staged = Tensor::empty(dst.shape(), dst.dtype(), src.device());
  copy_(staged, src);
  Tensor landed = dst.is_contiguous() ? dst : Tensor::empty(dst.shape(), dst.dtype(), dst.device());
  cuda::copy_bytes(landed.raw_data(), landed.device(), staged.raw_data(), staged.device(),
                   staged.numel() * dtype_size(staged.dtype()));
  if (!landed.same(dst)) copy_(dst, landed);
}

void fill_(const Tensor& dst, double value) {
  profile::Scope scope(profile::Kind::copy);
  backend_of(dst).fill(dst, value);
}

Tensor contiguous(const Tensor& x) {
  if (x.is_contiguous()) return x;
  return clone(x);
}

Tensor clone(const Tensor& x) {
  Tensor out = Tensor::empty(x.shape(), x.dtype(), x.device());
  copy_(out, x);
  return out;
}

Tensor to_device(const Tensor& x, Device d) {
  if (x.device() == d) return x;
  Tensor out = Tensor::empty(x.shape(), x.dtype(), d);
  copy_(out, x);
  return out;
}

Tensor to_dtype(const Tensor& x, DType t) {
  if (x.dtype() == t) return x;
  Tensor out = Tensor::empty(x.shape(), t, x.device());
  copy_(out, x);
  return out;
}

}  // namespace uflow::kernels
