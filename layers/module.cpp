#include "layers/module.h"

namespace uflow {

void Module::register_parameter(std::string name, Tensor* slot) {
  // As in PyTorch, parameters are trainable leaves unless frozen with requires_grad(false).
  slot->set_requires_grad(true);
  params_.emplace_back(std::move(name), slot);
}

void Module::collect(const std::string& prefix,
                     std::vector<std::pair<std::string, Tensor*>>& out) const {
  for (const auto& [name, slot] : params_) out.emplace_back(prefix + name, slot);
  for (const auto& [name, child] : children_) child->collect(prefix + name + ".", out);
}

std::vector<std::pair<std::string, Tensor*>> Module::slots() const {
  std::vector<std::pair<std::string, Tensor*>> out;
  collect("", out);
  return out;
}

std::vector<std::pair<std::string, Tensor>> Module::named_parameters() const {
  std::vector<std::pair<std::string, Tensor>> out;
  for (const auto& [name, slot] : slots()) out.emplace_back(name, *slot);
  return out;
}

std::vector<Tensor> Module::parameters() const {
  std::vector<Tensor> out;
  for (const auto& [name, slot] : slots()) out.push_back(*slot);
  return out;
}

Tensor Module::parameter(const std::string& name) const {
  for (const auto& [n, slot] : slots())
    if (n == name) return *slot;
  UFLOW_FAIL("no parameter named '", name, "'");
}

void Module::set_parameter(const std::string& name, const Tensor& value) {
  for (const auto& [n, slot] : slots()) {
    if (n != name) continue;
    UFLOW_CHECK(value.shape() == slot->shape(), "parameter '", name, "': shape ",
                shape_str(value.shape()), " given, ", shape_str(slot->shape()), " expected");
    // Copied in place, as PyTorch's load_state_dict does: optimisers and anything else holding
    // the parameter keep seeing it.
    kernels::copy_(*slot, kernels::to_device(value, slot->device()));
    return;
  }
  UFLOW_FAIL("no parameter named '", name, "'");
}

int64_t Module::parameter_count() const {
  int64_t n = 0;
  for (const auto& [name, slot] : slots()) n += slot->numel();
  return n;
}

void Module::train(bool on) {
  training_ = on;
  for (auto& [name, child] : children_) child->train(on);
}

void Module::requires_grad(bool on) {
  for (auto& [name, slot] : slots()) slot->set_requires_grad(on);
}

void Module::zero_grad() {
  for (auto& [name, slot] : slots()) slot->zero_grad();
}

void Module::to(Device device) {
  for (auto& [name, slot] : slots()) {
    if (slot->device() == device) continue;
    const bool rg = slot->requires_grad();
    *slot = kernels::to_device(*slot, device);
    slot->set_requires_grad(rg);
  }
}

void Module::to(DType dtype) {
  for (auto& [name, slot] : slots()) {
    if (slot->dtype() == dtype) continue;
    const bool rg = slot->requires_grad();
    *slot = kernels::to_dtype(*slot, dtype);
    slot->set_requires_grad(rg);
  }
}

}  // namespace uflow
