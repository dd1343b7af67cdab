#include "apps/commands/inference_setup.h"

#include "apps/cli/choice.h"
#include "apps/cli/image_options.h"
#include "apps/commands/device_option.h"
#include "apps/model/spec_limits.h"

namespace uflow::app {

LoadedModel load_model(const std::string& checkpoint, const std::string& weights_dir,
                       Device device) {
  LoadedModel m;
  m.info = read_checkpoint_info(checkpoint);
  if (!weights_dir.empty()) m.info.spec.weights_dir = weights_dir;
  m.extractor = build_extractor(m.info.spec);
  m.extractor->to(device);
  m.flow = build_flow(m.info.spec);
  load_checkpoint(checkpoint, *m.flow, nullptr);
  m.flow->to(device);
  m.flow->train(false);
  m.flow->requires_grad(false);
  return m;
}

contrario::NfaMethod parse_nfa_method(const std::string& text, const std::string& source) {
  return parse_choice(text, {contrario::NfaMethod::tree, contrario::NfaMethod::block}, "NFA method",
                      source);
}

void add_nfa_options(Args& a, const std::string& method_option) {
  a.option(method_option, "tree|block", "tree", "a-contrario segmentation method")
      .flag("guard", "tree NFA: no evidence from under-dispersed regions (log P = 0 where t <= 1)")
      .option("window", "n", "5", "block NFA window at the finest scale (anomalib uses 7)")
      .option("prob", "p", "0.9", "block NFA probability (anomalib uses 0.5)")
      .option("size", "px", "256", "side T of the anomaly and NFA maps");
}

contrario::NfaSettings nfa_settings(const Args& a, const std::string& method_option) {
  contrario::NfaSettings s;
  s.method = parse_nfa_method(a.str(method_option), "--" + method_option);
  s.guard = a.has("guard");
  s.window = a.integer("window", limits::kWindow);
  s.prob = a.real("prob", limits::kProbability);
  s.size = a.integer("size", limits::kMapSize);
  return s;
}

void add_inference_options(Args& a) {
  add_nfa_options(a, "nfa");
  a.option("batch", "n", "8", "images per batch")
      .option("device", "cpu|cuda|auto", "auto", "where to compute")
      .option("weights", "dir", "", "extractor weight folder (overrides the checkpoint's)")
      .option("precision", "fp32|tf32|bf16", "fp32",
              "float32 math of the frozen extractor on the GPU: fp32, tf32 (TF32 tensor cores) or "
              "bf16 (GEMM inputs rounded to bf16, f32 accumulation); the flow stays fp32")
      .flag("graph",
            "on the GPU, replay the extractor + flow + anomaly map of repeated batch shapes as "
            "a CUDA graph")
      .flag("resize-masks",
            "accept masks whose size differs from their image's (resized to the maps' size; "
            "by default such a mask is an error)");
  add_image_limit_options(a);
}

PredictOptions inference_options(const Args& a) {
  PredictOptions o;
  o.nfa = nfa_settings(a, "nfa");
  o.batch = a.integer("batch", limits::kBatch);
  o.device = parse_device(a.str("device"));
  o.extractor_precision = cuda::parse_precision(a.str("precision"), "--precision");
  o.graph = a.has("graph");
  o.resize_masks = a.has("resize-masks");
  apply_image_limit_options(a);
  return o;
}

}  // namespace uflow::app
