#include "autograd/node.h"

#include <unordered_map>
#include <unordered_set>

#include "tensor/ops.h"

namespace uflow {
namespace {
thread_local bool g_grad_enabled = true;

Tensor accumulate(const Tensor& acc, const Tensor& g) {
  return acc.defined() ? kernels::binary(kernels::BinaryOp::add, acc, g) : g;
}
}  // namespace

Node::~Node() {
  // Detach every upstream node this one alone keeps alive and free them from a local stack, so
  // each destructor runs with no solely-owned nodes left beneath it.
  std::vector<std::shared_ptr<Node>> pending;
  auto take_inputs = [&pending](std::vector<Tensor>& ins) {
    for (Tensor& t : ins) {
      if (!t.defined() || t.impl_ptr().use_count() != 1) continue;
      std::shared_ptr<Node>& fn = t.impl()->autograd.grad_fn;
      if (fn && fn.use_count() == 1) pending.push_back(std::move(fn));
    }
    ins.clear();
  };
  take_inputs(inputs);
  while (!pending.empty()) {
    std::shared_ptr<Node> n = std::move(pending.back());
    pending.pop_back();
    take_inputs(n->inputs);
  }  // n is released here with no inputs left to recurse into
}

bool grad_mode_enabled() {
  return g_grad_enabled;
}
NoGradGuard::NoGradGuard() : prev_(g_grad_enabled) {
  g_grad_enabled = false;
}
NoGradGuard::~NoGradGuard() {
  g_grad_enabled = prev_;
}

bool needs_grad(const std::vector<Tensor>& inputs) {
  if (!g_grad_enabled) return false;
  for (const Tensor& t : inputs)
    if (t.defined() && t.requires_grad()) return true;
  return false;
}

Tensor record(const Tensor& out, const char* name, std::vector<Tensor> inputs, BackwardFn fn) {
  if (!needs_grad(inputs)) return out;
  auto node = std::make_shared<Node>();
  node->name = name;
  node->inputs = std::move(inputs);
  node->backward = std::move(fn);
  // The output may alias an input's impl (an op that returned its input unchanged): give it
  // its own impl so the input's history is left intact.
  Tensor result = out;
  for (const Tensor& in : node->inputs)
    if (in.defined() && in.same(out)) result = detach(out);
  result.set_grad_fn(std::move(node));
  return result;
}

Tensor detach(const Tensor& x) {
  if (!x.defined()) return x;
  return Tensor::view_of(x, x.shape(), x.strides(), x.offset());
}

void backward(const Tensor& root, const Tensor& grad) {
  UFLOW_CHECK(root.defined(), "backward() on an undefined tensor");
  UFLOW_CHECK(root.requires_grad(), "backward() on a tensor that does not require gradients");
  Tensor g = grad;
  if (!g.defined()) {
    UFLOW_CHECK(root.numel() == 1,
                "backward() without a gradient needs a single-element "
                "tensor, got shape ",
                shape_str(root.shape()));
    g = kernels::ones(root.shape(), root.dtype(), root.device());
  }
  UFLOW_CHECK(g.shape() == root.shape(), "backward(): gradient shape ", shape_str(g.shape()),
              " differs from tensor shape ", shape_str(root.shape()));
  NoGradGuard no_grad;
  if (root.is_leaf()) {
    root.set_grad(accumulate(root.grad(), g));
    return;
  }

  // Reverse topological order by an iterative depth-first search (graphs can be deep).
  std::vector<Node*> order;
  std::unordered_set<Node*> seen;
  std::vector<std::pair<Node*, size_t>> stack{{root.grad_fn().get(), 0}};
  seen.insert(root.grad_fn().get());
  while (!stack.empty()) {
    auto& [node, next] = stack.back();
    if (next < node->inputs.size()) {
      const Tensor& in = node->inputs[next++];
      if (in.defined() && in.grad_fn() && seen.insert(in.grad_fn().get()).second)
        stack.push_back({in.grad_fn().get(), 0});
    } else {
      order.push_back(node);
      stack.pop_back();
    }
  }

  std::unordered_map<Node*, Tensor> grads;
  grads[root.grad_fn().get()] = g;
  for (auto it = order.rbegin(); it != order.rend(); ++it) {
    Node* node = *it;
    auto found = grads.find(node);
    if (found == grads.end()) continue;
    Tensor gout = std::move(found->second);
    grads.erase(found);
    std::vector<Tensor> gin = node->backward(gout);
    UFLOW_CHECK(gin.size() == node->inputs.size(), "backward of ", node->name, " returned ",
                gin.size(), " gradients for ", node->inputs.size(), " inputs");
    for (size_t i = 0; i < gin.size(); ++i) {
      const Tensor& in = node->inputs[i];
      if (!in.defined() || !in.requires_grad() || !gin[i].defined()) continue;
      UFLOW_CHECK(gin[i].shape() == in.shape(), "backward of ", node->name, ": gradient shape ",
                  shape_str(gin[i].shape()), " for input ", i, " of shape ", shape_str(in.shape()));
      if (in.grad_fn())
        grads[in.grad_fn().get()] = accumulate(grads[in.grad_fn().get()], gin[i]);
      else
        in.set_grad(accumulate(in.grad(), gin[i]));
    }
  }
}

}  // namespace uflow
