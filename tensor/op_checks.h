// Argument checks shared by the op dispatchers (tensor/ops_*.cpp).
#pragma once
#include <initializer_list>

#include "tensor/tensor.h"

namespace uflow {
// Throws unless all defined tensors share dtype and device; `op` names the caller.
void check_same_kind(const char* op, std::initializer_list<const Tensor*> ts);
// Throws unless t is defined.
void check_defined(const char* op, const Tensor& t);
}  // namespace uflow
