#include "metrics/iou.h"

#include <algorithm>
#include <cmath>

#include "metrics/score_sort.h"
#include "tensor/error.h"

namespace uflow::metrics {
namespace {

double iou(uint64_t intersection, uint64_t union_) {
  return (static_cast<double>(intersection) + kIouEpsilon) /
         (static_cast<double>(union_) + kIouEpsilon);
}

size_t image_count(size_t scores, size_t masks, size_t pixels_per_image, const char* what) {
  UFLOW_CHECK(pixels_per_image > 0, what, ": pixels_per_image must be positive");
  UFLOW_CHECK(scores == masks, what, ": ", scores, " predicted pixels but ", masks, " mask pixels");
  UFLOW_CHECK(masks % pixels_per_image == 0 && masks > 0, what, ": ", masks,
              " pixels do not form whole images of ", pixels_per_image);
  return masks / pixels_per_image;
}

}  // namespace

double miou(std::span<const uint8_t> predictions, std::span<const uint8_t> masks,
            size_t pixels_per_image) {
  const size_t images = image_count(predictions.size(), masks.size(), pixels_per_image, "mIoU");
  double sum = 0;
  for (size_t i = 0; i < images; ++i) {
    uint64_t inter = 0, uni = 0;
    for (size_t p = i * pixels_per_image; p < (i + 1) * pixels_per_image; ++p) {
      const bool a = predictions[p] != 0, b = masks[p] != 0;
      inter += a && b;
      uni += a || b;
    }
    sum += iou(inter, uni);
  }
  return sum / images;
}

double miou_at_threshold(std::span<const float> scores, std::span<const uint8_t> masks,
                         size_t pixels_per_image, double threshold) {
  const size_t images = image_count(scores.size(), masks.size(), pixels_per_image, "mIoU");
  double sum = 0;
  for (size_t i = 0; i < images; ++i) {
    uint64_t inter = 0, uni = 0;
    for (size_t p = i * pixels_per_image; p < (i + 1) * pixels_per_image; ++p) {
      const bool a = scores[p] > threshold, b = masks[p] != 0;
      inter += a && b;
      uni += a || b;
    }
    sum += iou(inter, uni);
  }
  return sum / images;
}

MiouSweep miou_sweep(std::span<const float> scores, std::span<const uint8_t> masks,
                     size_t pixels_per_image, std::span<const double> thresholds) {
  const size_t images = image_count(scores.size(), masks.size(), pixels_per_image, "mIoU sweep");
  const size_t k = thresholds.size();
  UFLOW_CHECK(k > 0, "mIoU sweep: no thresholds");
  for (size_t j = 0; j < k; ++j) {
    UFLOW_CHECK(!std::isnan(thresholds[j]), "mIoU sweep: threshold ", j, " is NaN");
    UFLOW_CHECK(j == 0 || thresholds[j] > thresholds[j - 1],
                "mIoU sweep: thresholds must be strictly increasing (index ", j, ")");
  }
  check_no_nan(scores, "mIoU sweep");

  MiouSweep out;
  out.thresholds.assign(thresholds.begin(), thresholds.end());
  out.miou.assign(k, 0);
  // bin = number of thresholds strictly below the score: the pixel is detected at exactly the
  // thresholds with index < bin, so per-image suffix sums of the bins give all counts at once.
  std::vector<uint64_t> gt_bins(k + 1), other_bins(k + 1);
  for (size_t i = 0; i < images; ++i) {
    std::fill(gt_bins.begin(), gt_bins.end(), 0);
    std::fill(other_bins.begin(), other_bins.end(), 0);
    uint64_t gt_pixels = 0;
    for (size_t p = i * pixels_per_image; p < (i + 1) * pixels_per_image; ++p) {
      const size_t bin =
          std::lower_bound(thresholds.begin(), thresholds.end(), static_cast<double>(scores[p])) -
          thresholds.begin();
      if (masks[p]) {
        ++gt_bins[bin];
        ++gt_pixels;
      } else {
        ++other_bins[bin];
      }
    }
    uint64_t gt_above = 0, other_above = 0;
    for (size_t j = k; j-- > 0;) {
      gt_above += gt_bins[j + 1];
      other_above += other_bins[j + 1];
      out.miou[j] += iou(gt_above, gt_pixels + other_above);
    }
  }
  for (double& m : out.miou) m /= images;
  out.best = k - 1;
  for (size_t j = k - 1; j-- > 0;)
    if (out.miou[j] > out.miou[out.best]) out.best = j;
  return out;
}

std::vector<double> reference_nfa_thresholds() {
  std::vector<double> t;
  for (int v = -400; v <= 1000; ++v) t.push_back(v);
  return t;
}

MiouOracle miou_oracle(std::span<const float> scores, std::span<const uint8_t> masks,
                       size_t pixels_per_image) {
  const size_t images = image_count(scores.size(), masks.size(), pixels_per_image, "mIoU oracle");
  UFLOW_CHECK(images < (size_t{1} << 31), "mIoU oracle: too many images");
  check_no_nan(scores, "mIoU oracle");

  // Payload: image index and whether the pixel is ground truth.
  std::vector<uint64_t> items(scores.size());
  std::vector<uint64_t> inter(images, 0), uni(images, 0);
  for (size_t p = 0; p < scores.size(); ++p) {
    const uint32_t image = static_cast<uint32_t>(p / pixels_per_image), gt = masks[p] != 0;
    items[p] = pack_score(scores[p], image << 1 | gt);
    uni[image] += gt;
  }
  sort_by_score(items);

  // Start with nothing detected (threshold = the highest score), then lower the threshold one
  // distinct score at a time. The running sum drifts by rounding, so a new best must beat the old
  // by more than the drift (near-ties go to fewer detections) and the result is recomputed.
  const double tolerance = 1e-12 * static_cast<double>(images);
  double sum = 0;
  for (size_t i = 0; i < images; ++i) sum += iou(0, uni[i]);
  double best_sum = sum;
  size_t best_begin = items.size();  // best detection = items[best_begin, end)
  for_each_tie_group_descending(items, [&](std::span<const uint64_t> group, float) {
    for (const uint64_t item : group) {
      const uint32_t payload = packed_payload(item), image = payload >> 1;
      const double before = iou(inter[image], uni[image]);
      if (payload & 1)
        ++inter[image];
      else
        ++uni[image];
      sum += iou(inter[image], uni[image]) - before;
    }
    if (sum > best_sum + tolerance) {
      best_sum = sum;
      best_begin = static_cast<size_t>(group.data() - items.data());
    }
    return true;
  });

  MiouOracle out;
  if (best_begin == items.size())
    out.threshold = packed_score(items.back());
  else if (best_begin > 0)
    out.threshold = packed_score(items[best_begin - 1]);
  else
    out.threshold = std::nextafter(packed_score(items[0]), -std::numeric_limits<float>::infinity());
  out.miou = miou_at_threshold(scores, masks, pixels_per_image, out.threshold);
  return out;
}

}  // namespace uflow::metrics
