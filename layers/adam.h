// Adam with coupled L2 weight decay (PyTorch's torch.optim.Adam with weight_decay, not AdamW):
//   g ← g + wd·θ;  m ← β1·m + (1−β1)·g;  v ← β2·v + (1−β2)·g²
//   θ ← θ − lr · (m / (1−β1^t)) / (sqrt(v / (1−β2^t)) + eps)
// plus the reference's linear learning-rate decay, stepped once per epoch.
#pragma once
#include <string>
#include <vector>

#include "tensor/tensor.h"

namespace uflow {

struct AdamOptions {
  double lr = 1e-3;
  double beta1 = 0.9, beta2 = 0.999;
  double eps = 1e-8;
  double weight_decay = 1e-5;
};

class Adam {
 public:
  Adam(std::vector<Tensor> params, const AdamOptions& opt);
  // One update from the parameters' current .grad() (parameters without a gradient are
  // skipped, as in PyTorch).
  void step();
  void zero_grad();
  void set_lr(double lr) { opt_.lr = lr; }
  double lr() const { return opt_.lr; }
  int64_t steps() const { return step_; }

  // State for checkpoints: exp_avg and exp_avg_sq per parameter and the step count.
  const std::vector<Tensor>& exp_avg() const { return m_; }
  const std::vector<Tensor>& exp_avg_sq() const { return v_; }
  void load_state(const std::vector<Tensor>& m, const std::vector<Tensor>& v, int64_t step);

 private:
  std::vector<Tensor> params_, m_, v_;
  AdamOptions opt_;
  int64_t step_ = 0;
};

// The reference's LinearLR: factor 1 − (1 − end_factor)·min(epoch, total)/total with
// end_factor 0.4 and total 25000 epochs.
double linear_lr_factor(int64_t epoch, int64_t total = 25000, double end_factor = 0.4);

}  // namespace uflow
