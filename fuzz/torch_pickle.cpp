// libFuzzer target: the restricted unpickler of PyTorch checkpoints
// (weights/restricted_unpickler.h). Any input must either give a document whose tensors lie
// inside their storages, or throw uflow::Error; it must never run code, crash, recurse
// without bound or leak (values live in the document's arena, cycles included).
#include <cstdint>
#include <string_view>

#include "tensor/error.h"
#include "weights/restricted_unpickler.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    const uflow::PickleDocument doc = uflow::read_pickle(
        std::string_view(reinterpret_cast<const char*>(data), size), "fuzz: data.pkl");
    for (const auto& v : doc.arena)
      if (v->kind == uflow::PyKind::tensor && !v->tensor.size.empty())
        (void)v->tensor.storage->numel;
  } catch (const uflow::Error&) {
  }
  return 0;
}
