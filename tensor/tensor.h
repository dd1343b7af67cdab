// Tensor: a strided view (shape, strides, offset) into a Storage, with dtype and device, plus
// the autograd fields the tape needs. The class itself holds no math: every op is a free
// function, raw in uflow::kernels (tensor/ops.h) and differentiable in uflow (autograd/).
#pragma once
#include <memory>
#include <vector>

#include "tensor/dtype.h"
#include "tensor/shape.h"
#include "tensor/storage.h"

namespace uflow {

struct Node;  // autograd/node.h
class Tensor;

// What autograd keeps per tensor. grad_fn is set on outputs of recorded ops; leaves that
// require gradients accumulate into grad.
struct AutogradMeta {
  bool requires_grad = false;
  std::shared_ptr<Node> grad_fn;
  std::shared_ptr<struct TensorImpl> grad;
};

struct TensorImpl {
  std::shared_ptr<Storage> storage;
  Shape shape;
  Shape strides;
  int64_t offset = 0;  // in elements
  DType dtype = DType::f32;
  AutogradMeta autograd;
};

class Tensor {
 public:
  Tensor() = default;
  explicit Tensor(std::shared_ptr<TensorImpl> impl) : impl_(std::move(impl)) {}

  // Uninitialised contiguous tensor.
  static Tensor empty(const Shape& shape, DType dtype = DType::f32, Device device = Device::cpu);
  // A view sharing other's storage with new geometry (no autograd fields).
  static Tensor view_of(const Tensor& other, Shape shape, Shape strides, int64_t offset);
  // Copies host values into a new tensor (values are converted to dtype).
  static Tensor from_vector(const std::vector<double>& values, const Shape& shape,
                            DType dtype = DType::f32, Device device = Device::cpu);
  static Tensor from_floats(const std::vector<float>& values, const Shape& shape,
                            Device device = Device::cpu);
  static Tensor scalar(double v, DType dtype = DType::f32, Device device = Device::cpu);

  bool defined() const { return impl_ != nullptr; }
  const Shape& shape() const { return impl_->shape; }
  const Shape& strides() const { return impl_->strides; }
  int64_t offset() const { return impl_->offset; }
  int64_t dim() const { return static_cast<int64_t>(impl_->shape.size()); }
  int64_t size(int64_t d) const;  // negative d counts from the end
  int64_t stride(int64_t d) const;
  int64_t numel() const { return shape_numel(impl_->shape); }
  DType dtype() const { return impl_->dtype; }
  Device device() const { return impl_->storage->device(); }
  bool is_cuda() const { return device() == Device::cuda; }
  bool is_contiguous() const;
  const std::shared_ptr<Storage>& storage() const { return impl_->storage; }
  TensorImpl* impl() const { return impl_.get(); }
  const std::shared_ptr<TensorImpl>& impl_ptr() const { return impl_; }

  // Pointer to the first element (storage + offset); T must match the dtype.
  template <typename T>
  T* data() const {
    UFLOW_CHECK(dtype_of<T>() == dtype(), "data<", dtype_name(dtype_of<T>()),
                ">() on a tensor of dtype ", dtype_name(dtype()));
    return static_cast<T*>(impl_->storage->data()) + impl_->offset;
  }
  void* raw_data() const {
    return static_cast<char*>(impl_->storage->data()) + impl_->offset * dtype_size(dtype());
  }

  // Host copies of the values in logical (row-major) order; work for any strides and device.
  std::vector<double> to_vector() const;
  std::vector<float> to_floats() const;
  double item() const;  // single-element tensors only

  // ---- autograd fields (the engine lives in autograd/) ----
  bool requires_grad() const { return impl_ && impl_->autograd.requires_grad; }
  // Marks a leaf as needing gradients; returns *this for chaining.
  const Tensor& set_requires_grad(bool on = true) const;
  Tensor grad() const;  // undefined until a backward pass reached this tensor
  void set_grad(const Tensor& g) const;
  void zero_grad() const;  // drops the accumulated gradient
  const std::shared_ptr<Node>& grad_fn() const { return impl_->autograd.grad_fn; }
  void set_grad_fn(std::shared_ptr<Node> fn) const;
  bool is_leaf() const { return !impl_->autograd.grad_fn; }

  bool same(const Tensor& o) const { return impl_ == o.impl_; }

 private:
  std::shared_ptr<TensorImpl> impl_;
};

std::string describe(const Tensor& t);  // "f32 cuda [2, 3]"

}  // namespace uflow
