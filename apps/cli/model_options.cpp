#include "apps/cli/model_options.h"

#include "apps/model/spec_limits.h"
#include "tensor/error.h"

namespace uflow::app {

int64_t input_size_option(const Args& a) {
  const int64_t v = a.integer("input-size", limits::kInputSize);
  UFLOW_CHECK(v % limits::kInputSizeMultiple == 0, "option --input-size: ", v,
              " is not a multiple of ", limits::kInputSizeMultiple);
  return v;
}

}  // namespace uflow::app
