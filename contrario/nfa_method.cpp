#include "contrario/nfa_method.h"

namespace uflow::contrario {

NfaResult run_nfa(const std::vector<Tensor>& z, const NfaSettings& s) {
  if (s.method == NfaMethod::tree) {
    TreeNfaOptions o;
    o.size = s.size;
    o.guard = s.guard;
    return tree_nfa(z, o);
  }
  BlockNfaOptions o;
  o.size = s.size;
  o.window = s.window;
  o.prob = s.prob;
  return block_nfa(z, o);
}

}  // namespace uflow::contrario
