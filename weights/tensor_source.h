// A file of named tensors from another framework (safetensors, a PyTorch checkpoint), listed
// up front and read one tensor at a time, so a conversion holds at most one tensor in memory
// beside what it writes.
#pragma once
#include <string>
#include <vector>

#include "tensor/tensor.h"
#include "weights/element_type.h"

namespace uflow {

struct SourceTensorInfo {
  std::string name;
  ElementType type = ElementType::f32;
  Shape shape;
};

class TensorSource {
 public:
  virtual ~TensorSource() = default;
  virtual const std::string& path() const = 0;
  // The tensors in the file's order.
  virtual const std::vector<SourceTensorInfo>& tensors() const = 0;
  // Reads tensors()[index] as a contiguous float32 CPU tensor.
  virtual Tensor read_float(size_t index) const = 0;
};

}  // namespace uflow
