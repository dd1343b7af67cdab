#include "tensor/op_checks.h"

namespace uflow {

void check_same_kind(const char* op, std::initializer_list<const Tensor*> ts) {
  const Tensor* first = nullptr;
  for (const Tensor* t : ts) {
    if (!t->defined()) continue;
    if (!first) {
      first = t;
      continue;
    }
    UFLOW_CHECK(t->dtype() == first->dtype() && t->device() == first->device(), op,
                ": inputs differ in dtype or device (", describe(*first), " vs ", describe(*t),
                ")");
  }
}

void check_defined(const char* op, const Tensor& t) {
  UFLOW_CHECK(t.defined(), op, ": undefined input tensor");
}

}  // namespace uflow
