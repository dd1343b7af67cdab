#include "apps/model/trainer.h"

#include <chrono>
#include <cmath>
#include <cstdio>

#include "apps/cli/progress.h"
#include "flow/random_permutation.h"
#include "weights/finite_check.h"

namespace uflow::app {

std::vector<int64_t> epoch_order(int64_t n, uint64_t seed, int64_t epoch) {
  Generator gen(seed * 1000003ULL + static_cast<uint64_t>(epoch) + 0x5eed);
  return random_permutation(gen, n);
}

namespace {

// `where` is ", update <k>" when the failing update is known (the CPU checks every update), empty
// when the parameters are checked once per epoch (CUDA).
[[noreturn]] void fail_non_finite(const UFlow& flow, int64_t epoch, const std::string& where) {
  std::string name = "?";
  for (const auto& [n, p] : flow.named_parameters())
    if (first_non_finite(p) >= 0) {
      name = n;
      break;
    }
  UFLOW_FAIL("training diverged at epoch ", epoch, where, ": parameter '", name,
             "' is not finite; try a lower --lr");
}

void require_finite_loss(double loss, int64_t epoch) {
  UFLOW_CHECK(std::isfinite(loss), "training diverged at epoch ", epoch,
              " (loss is not finite); try a lower --lr");
}

}  // namespace

void train_flow(UFlow& flow, Adam& adam, const FeatureSet& features, const TrainOptions& opt,
                int64_t start_epoch, const std::function<bool(const EpochStats&)>& on_epoch) {
  const int64_t n = features.count();
  const std::vector<Tensor> params = flow.parameters();
  UFLOW_CHECK(n > 0, "no training features");
  flow.train(true);
  // On the GPU nothing in a step waits for the device, so the host queues the next step while
  // the GPU computes this one: the batches are gathered on the device and the losses summed
  // there, read once per epoch. On the CPU the loss is read (for free) after every step.
  // Finiteness follows the same rhythm: on the CPU the loss is checked before and the parameters
  // after every update; on the GPU both once per epoch, before on_epoch (which may write a
  // checkpoint) sees the model, so a diverged epoch never replaces the last good checkpoint.
  const FeatureSet resident = features.resident_on(opt.device);
  const bool read_each_step = opt.device == Device::cpu;
  for (int64_t epoch = start_epoch; epoch < opt.epochs; ++epoch) {
    adam.set_lr(opt.base_lr * linear_lr_factor(epoch));
    const std::vector<int64_t> order = epoch_order(n, opt.seed, epoch);
    Progress bar("epoch " + std::to_string(epoch + 1) + "/" + std::to_string(opt.epochs), n);
    double loss_sum = 0;
    Tensor loss_total;  // on the device, when the loss is not read per step
    int64_t batches = 0;
    for (int64_t start = 0; start < n; start += opt.batch) {
      const int64_t end = std::min(n, start + opt.batch);
      std::vector<int64_t> idx(order.begin() + start, order.begin() + end);
      UFlowOut out = flow.forward(resident.batch(idx, opt.device));
      Tensor loss = nll_loss(out.z, out.log_det, opt.loss);
      // On the CPU the loss is read before the update, so a non-finite one never reaches Adam.
      const double l = read_each_step ? loss.item() : 0.0;
      if (read_each_step) require_finite_loss(l, epoch + 1);
      adam.zero_grad();
      backward(loss);
      adam.step();
      ++batches;
      if (!read_each_step) {
        const Tensor lt = kernels::reshape(loss, {1});
        loss_total = loss_total.defined() ? kernels::binary(BinaryOp::add, loss_total, lt) : lt;
        bar.advance(end - start);
        continue;
      }
      // A finite loss can still come with an update that overflows (a huge gradient): the
      // parameters are checked after every step, so no epoch ends on a broken model.
      if (!all_finite(params))
        fail_non_finite(flow, epoch + 1, ", update " + std::to_string(batches));
      loss_sum += l;
      char status[64];
      std::snprintf(status, sizeof status, "loss %.4g", loss_sum / batches);
      bar.advance(end - start, status);
    }
    if (!read_each_step) {
      loss_sum = loss_total.item();
      require_finite_loss(loss_sum, epoch + 1);
      if (!all_finite(params)) fail_non_finite(flow, epoch + 1, "");
    }
    EpochStats st;
    st.epoch = epoch + 1;
    st.mean_loss = loss_sum / batches;
    st.lr = adam.lr();
    st.seconds = bar.elapsed_seconds();
    st.images_per_second = n / std::max(st.seconds, 1e-9);
    char status[64];
    std::snprintf(status, sizeof status, "loss %.4g", st.mean_loss);
    bar.finish(status);
    if (!on_epoch(st)) break;
  }
}

}  // namespace uflow::app
