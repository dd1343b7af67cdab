// Per-region overlap (PRO) curve and its normalised area up to a false-positive-rate limit, as
// defined by the MVTec AD evaluation code (compute_pro + trapezoid with an integration limit):
// - regions are the 8-connected components of each image's ground truth;
// - at threshold t (scores >= t are positive) PRO(t) is the mean over ALL regions of all images
//   of |positive ∩ region| / |region|, and FPR(t) the share of positive pixels among all
//   ground-truth-negative pixels of all images (good images included);
// - one point per distinct score, the curve runs from (0, 0) to (1, 1) and is integrated with
//   the trapezoid rule up to the limit, the value at the limit interpolated linearly; the area is
//   divided by the limit so that a perfect detector scores 1.
// (anomalib's AUPRO resamples per-region ROC curves instead and differs slightly.)
#pragma once
#include <cstdint>
#include <span>

#include "metrics/curve.h"
#include "metrics/stack_shape.h"

namespace uflow::metrics {

// scores: anomaly maps (higher = more anomalous); masks: ground truth, non-zero = anomalous;
// both shape.images × height × width. Returns the curve from (0, 0) up to x = fpr_limit, its last
// point interpolated at the limit (threshold NaN there). Throws uflow::Error when the sizes
// differ, a score is NaN, fpr_limit is outside (0, 1], there is no anomalous pixel (PRO is a
// mean over no regions: undefined, the caller decides what to report) or no normal pixel.
Curve pro_curve(std::span<const float> scores, std::span<const uint8_t> masks, StackShape shape,
                double fpr_limit = 0.3);

// Area under pro_curve divided by fpr_limit, in [0, 1]. Same errors as pro_curve.
double aupro(std::span<const float> scores, std::span<const uint8_t> masks, StackShape shape,
             double fpr_limit = 0.3);

}  // namespace uflow::metrics
