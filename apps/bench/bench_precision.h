// `uflow bench precision`: what the reduced extractor precisions (tensor/cuda/math_mode.h)
// cost in accuracy. The demo's pipeline (synthetic category, small random-weight extractor)
// is trained once in fp32; its test set is then predicted with the extractor in each precision
// and compared with the fp32 predictions (largest anomaly-map, score and -log10 NFA
// differences, detection pixels that differ) and by the demo's metrics. On the CPU every
// precision computes in fp32, so all differences are zero there.
#pragma once
#include <string>
#include <vector>

#include "apps/commands/evaluation.h"
#include "tensor/cuda/math_mode.h"

namespace uflow::app::bench {

struct PrecisionStudyOptions {
  std::string dir;  // working folder (data, model); created, left in place
  Device device = Device::cpu;
  std::vector<cuda::Precision> precisions{cuda::Precision::fp32, cuda::Precision::tf32,
                                          cuda::Precision::bf16};  // the first is the baseline
  int64_t epochs = 10, train_images = 30, batch = 8;
  int64_t image_size = 256, test_good = 12, test_per_defect = 8;
  bool graph = false;  // predict with CUDA graphs
};

struct PrecisionRow {
  cuda::Precision precision = cuda::Precision::fp32;
  double seconds = 0;  // predict time for the whole test set (extractor, flow, NFA)
  double max_map_diff = 0, max_score_diff = 0, max_nfa_diff = 0;  // against the baseline
  int64_t mask_pixels_differ = 0, mask_pixels = 0;
  EvalResult metrics;
};

std::vector<PrecisionRow> run_precision_study(const PrecisionStudyOptions& opt);

}  // namespace uflow::app::bench
