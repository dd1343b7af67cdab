// The tape. An op that needs gradients records a Node holding its inputs and a backward
// function; output tensors point at their node through grad_fn. Nodes have one output.
#pragma once
#include <functional>
#include <memory>
#include <vector>

#include "tensor/tensor.h"

namespace uflow {

// Given dL/d(output), returns dL/d(input_i) for every input, in order; an undefined Tensor
// means "no gradient" (the engine skips it).
using BackwardFn = std::function<std::vector<Tensor>(const Tensor& grad_out)>;

struct Node {
  const char* name = "";
  std::vector<Tensor> inputs;
  BackwardFn backward;

  Node() = default;
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;
  // Releases long chains of nodes iteratively: the default recursive release would overflow
  // the stack on graphs hundreds of thousands of ops deep.
  ~Node();
};

// Gradient recording is on by default; NoGradGuard turns it off in a scope (thread-local).
bool grad_mode_enabled();
class NoGradGuard {
 public:
  NoGradGuard();
  ~NoGradGuard();
  NoGradGuard(const NoGradGuard&) = delete;
  NoGradGuard& operator=(const NoGradGuard&) = delete;

 private:
  bool prev_;
};

// True when grad mode is on and any input requires gradients.
bool needs_grad(const std::vector<Tensor>& inputs);

// Attaches a node to out when needs_grad(inputs); returns out either way.
// The backward function must not capture `out` itself (that would be a reference cycle):
// capture detach(out) instead.
Tensor record(const Tensor& out, const char* name, std::vector<Tensor> inputs, BackwardFn fn);

// A tensor sharing x's storage and geometry but with no autograd history.
Tensor detach(const Tensor& x);

// Runs the backward pass from root. grad defaults to ones for a single-element root.
// Leaves that require gradients accumulate into .grad(). Backward runs with grad mode off.
void backward(const Tensor& root, const Tensor& grad = Tensor());

}  // namespace uflow
