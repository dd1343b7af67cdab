// Routing of a raw op to the backend of its inputs. Without the CUDA backend the CUDA branch
// is compiled out and a CUDA tensor cannot exist.
#pragma once
#include "tensor/tensor.h"

#if defined(UFLOW_WITH_CUDA)
#define UFLOW_ON_CUDA(t, expr) \
  if ((t).device() == ::uflow::Device::cuda) return expr
#else
#define UFLOW_ON_CUDA(t, expr) \
  do {                         \
  } while (0)
#endif

namespace uflow {
// Throws unless all defined tensors share dtype and device; `op` names the caller.
void check_same_kind(const char* op, std::initializer_list<const Tensor*> ts);
}  // namespace uflow
