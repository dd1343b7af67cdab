// Area under the ROC curve and the curve itself, with tied scores handled as scikit-learn's
// roc_auc_score / roc_curve do: all samples sharing a score enter the positive set together, so
// a tie between a positive and a negative counts one half.
#pragma once
#include <cstdint>
#include <span>

#include "metrics/curve.h"

namespace uflow::metrics {

// scores[i] is sample i's anomaly score (higher = more anomalous); labels[i] != 0 marks a
// positive. Exact (integer pair counts). Throws uflow::Error when the sizes differ, a score is
// NaN, or only one class is present: AUROC is undefined there and the caller decides what to
// report.
double auroc(std::span<const float> scores, std::span<const uint8_t> labels);

// The ROC curve as scikit-learn's roc_curve returns it: (0, 0) at threshold +inf, then one point
// per distinct score in decreasing order, ending at (1, 1). drop_intermediate removes points
// collinear with their neighbours (same rule as scikit-learn; the area is unchanged). Same
// errors as auroc (scikit-learn warns and returns NaN rates for one class; this throws).
Curve roc_curve(std::span<const float> scores, std::span<const uint8_t> labels,
                bool drop_intermediate = true);

}  // namespace uflow::metrics
