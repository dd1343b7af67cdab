// Module: a node of a model tree with named parameters. Names are hierarchical and follow the
// source framework's state_dict keys exactly ("blocks.3.attn.qkv.weight"), so weights are
// mapped by name, never by order.
#pragma once
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "autograd/ops.h"

namespace uflow {

class Module {
 public:
  Module() = default;
  virtual ~Module() = default;
  Module(const Module&) = delete;
  Module& operator=(const Module&) = delete;

  // Every parameter of this module and its children, depth first in registration order.
  std::vector<std::pair<std::string, Tensor>> named_parameters() const;
  std::vector<Tensor> parameters() const;
  // The parameter called `name` (full dotted path); throws naming it when absent.
  Tensor parameter(const std::string& name) const;
  // Copies a value into a parameter in place (shape must match; dtype and device convert).
  void set_parameter(const std::string& name, const Tensor& value);
  int64_t parameter_count() const;

  void train(bool on = true);
  bool training() const { return training_; }
  void requires_grad(bool on);
  void zero_grad();
  // Moves or converts every parameter (they stay leaves with the same requires_grad).
  void to(Device device);
  void to(DType dtype);

 protected:
  // Registers a parameter slot; the module must outlive no copies of itself (modules are held
  // by pointer and never moved, so the slot address is stable).
  void register_parameter(std::string name, Tensor* slot);
  template <typename M>
  std::shared_ptr<M> register_module(std::string name, std::shared_ptr<M> m) {
    children_.emplace_back(std::move(name), m);
    return m;
  }

 private:
  void collect(const std::string& prefix, std::vector<std::pair<std::string, Tensor*>>& out) const;
  std::vector<std::pair<std::string, Tensor*>> slots() const;
  std::vector<std::pair<std::string, Tensor*>> params_;
  std::vector<std::pair<std::string, std::shared_ptr<Module>>> children_;
  bool training_ = true;
};

}  // namespace uflow
