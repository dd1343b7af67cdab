// The values a model spec and its training settings may take. Beyond them a model cannot be
// built in memory (a 100000-pixel input, 10^5 flow steps) or the run is meaningless (a negative
// clamp or learning rate); command-line options and checkpoint attributes are both checked
// against these ranges before anything is allocated.
#pragma once
#include "apps/cli/value_range.h"

namespace uflow::app::limits {

// Small extractor input side: two CaiT scales (input and input / 2) with 16-pixel patches, so
// a multiple of 32; 1024 px already means 4096 tokens at the finest scale.
inline constexpr IntRange kInputSize{32, 1024};
inline constexpr int64_t kInputSizeMultiple = 32;
inline constexpr IntRange kSmallDepth{1, 24};
inline constexpr IntRange kFlowSteps{1, 64};
inline constexpr RealRange kClamp{0.0, 100.0, true, false};
// Side of the anomaly and NFA maps (--size, map_size): 4096² floats are 64 MiB per map.
inline constexpr IntRange kMapSize{8, 4096};
inline constexpr IntRange kEpochs{1, 1000000};
inline constexpr IntRange kBatch{1, 4096};
inline constexpr RealRange kLearningRate{0.0, 10.0, true, false};
inline constexpr RealRange kWeightDecay{0.0, 1.0};
inline constexpr IntRange kCheckpointEvery{1, 1000000};
inline constexpr IntRange kSeed{0, INT64_MAX};
// Block NFA: window side at the finest scale, and its probability p in (0, 1).
inline constexpr IntRange kWindow{1, 255};
inline constexpr RealRange kProbability{0.0, 1.0, true, true};
// Memory for cached features, in GB (--cache-limit).
inline constexpr RealRange kCacheLimitGb{0.0, 1e6};

}  // namespace uflow::app::limits
