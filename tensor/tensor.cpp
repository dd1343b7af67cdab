#include "tensor/tensor.h"

#include <cstring>

#include "tensor/ops.h"

namespace uflow {

Tensor Tensor::empty(const Shape& shape, DType dtype, Device device) {
  for (int64_t d : shape) UFLOW_CHECK(d >= 0, "negative dimension in shape ", shape_str(shape));
  auto impl = std::make_shared<TensorImpl>();
  impl->storage = std::make_shared<Storage>(shape_numel(shape) * dtype_size(dtype), device);
  impl->shape = shape;
  impl->strides = contiguous_strides(shape);
  impl->dtype = dtype;
  return Tensor(std::move(impl));
}

Tensor Tensor::view_of(const Tensor& other, Shape shape, Shape strides, int64_t offset) {
  auto impl = std::make_shared<TensorImpl>();
  impl->storage = other.storage();
  impl->shape = std::move(shape);
  impl->strides = std::move(strides);
  impl->offset = offset;
  impl->dtype = other.dtype();
  return Tensor(std::move(impl));
}

Tensor Tensor::from_vector(const std::vector<double>& values, const Shape& shape, DType dtype,
                           Device device) {
  UFLOW_CHECK(static_cast<int64_t>(values.size()) == shape_numel(shape),
              "from_vector: ", values.size(), " values for shape ", shape_str(shape));
  Tensor host = empty(shape, dtype, Device::cpu);
  dispatch_dtype(dtype, [&]<typename T>() {
    T* p = host.data<T>();
    for (size_t i = 0; i < values.size(); ++i) p[i] = static_cast<T>(values[i]);
  });
  return device == Device::cpu ? host : kernels::to_device(host, device);
}

Tensor Tensor::from_floats(const std::vector<float>& values, const Shape& shape, Device device) {
  UFLOW_CHECK(static_cast<int64_t>(values.size()) == shape_numel(shape),
              "from_floats: ", values.size(), " values for shape ", shape_str(shape));
  Tensor host = empty(shape, DType::f32, Device::cpu);
  std::memcpy(host.raw_data(), values.data(), values.size() * sizeof(float));
  return device == Device::cpu ? host : kernels::to_device(host, device);
}

Tensor Tensor::scalar(double v, DType dtype, Device device) {
  return from_vector({v}, {}, dtype, device);
}

int64_t Tensor::size(int64_t d) const {
  return impl_->shape[normalize_dim(d, dim())];
}
int64_t Tensor::stride(int64_t d) const {
  return impl_->strides[normalize_dim(d, dim())];
}

bool Tensor::is_contiguous() const {
  int64_t expected = 1;
  for (int64_t i = dim() - 1; i >= 0; --i) {
    if (impl_->shape[i] == 1) continue;
    if (impl_->strides[i] != expected) return false;
    expected *= impl_->shape[i];
  }
  return true;
}

std::vector<double> Tensor::to_vector() const {
  Tensor c = kernels::to_device(kernels::contiguous(*this), Device::cpu);
  std::vector<double> out(c.numel());
  dispatch_dtype(dtype(), [&]<typename T>() {
    const T* p = c.data<T>();
    for (size_t i = 0; i < out.size(); ++i) out[i] = static_cast<double>(p[i]);
  });
  return out;
}

std::vector<float> Tensor::to_floats() const {
  std::vector<double> v = to_vector();
  return std::vector<float>(v.begin(), v.end());
}

double Tensor::item() const {
  UFLOW_CHECK(numel() == 1, "item() on a tensor of shape ", shape_str(shape()));
  return to_vector()[0];
}

const Tensor& Tensor::set_requires_grad(bool on) const {
  UFLOW_CHECK(!on || is_leaf(), "set_requires_grad on a non-leaf tensor");
  impl_->autograd.requires_grad = on;
  return *this;
}

Tensor Tensor::grad() const {
  return Tensor(impl_->autograd.grad);
}
void Tensor::set_grad(const Tensor& g) const {
  impl_->autograd.grad = g.impl_ptr();
}
void Tensor::zero_grad() const {
  impl_->autograd.grad.reset();
}

void Tensor::set_grad_fn(std::shared_ptr<Node> fn) const {
  impl_->autograd.grad_fn = std::move(fn);
  impl_->autograd.requires_grad = impl_->autograd.grad_fn != nullptr;
}

std::string describe(const Tensor& t) {
  if (!t.defined()) return "undefined tensor";
  return detail::concat(dtype_name(t.dtype()), ' ', device_name(t.device()), ' ',
                        shape_str(t.shape()));
}

}  // namespace uflow
