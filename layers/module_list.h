// A Module that only names its children, for the containers of the source frameworks'
// state_dict keys: PyTorch's nn.Sequential and nn.ModuleList ("blocks.3.", "subnet.0.",
// "module_list.12."). The owner keeps typed pointers to the children to run them.
#pragma once
#include "layers/module.h"

namespace uflow {

struct ModuleList : Module {
  using Module::register_module;
};

}  // namespace uflow
