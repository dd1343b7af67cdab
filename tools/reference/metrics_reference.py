#!/usr/bin/env python3
"""Expected values for the metric tests (tests/metrics), computed with scikit-learn and plain,
threshold-by-threshold NumPy/SciPy implementations of the definitions.

The inputs are not stored: both this script and tests/metrics/metric_cases.h build them from
the same integer recipe (a 32-bit hash per pixel, blobs given as discs and rectangles), so the
fixtures stay tiny and readable. Writes tests/metrics/reference_values.h:

    python3 tools/reference/metrics_reference.py
"""
import os
import sys

import numpy as np
from scipy import ndimage
from sklearn.metrics import roc_auc_score, roc_curve

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "tests", "metrics", "reference_values.h")


def hash32(i, seed):
    """murmur3 finaliser of i·0x9E3779B1 + seed, all arithmetic modulo 2^32."""
    x = (np.asarray(i, dtype=np.uint64) * 0x9E3779B1 + seed) & 0xFFFFFFFF
    x ^= x >> 16
    x = (x * 0x85EBCA6B) & 0xFFFFFFFF
    x ^= x >> 13
    x = (x * 0xC2B2AE35) & 0xFFFFFFFF
    x ^= x >> 16
    return x


def masks_from_blobs(n, h, w, blobs):
    """blobs: (image, "disc", cy, cx, r) or (image, "rect", y0, x0, y1, x1) (end exclusive)."""
    m = np.zeros((n, h, w), dtype=np.uint8)
    yy, xx = np.mgrid[0:h, 0:w]
    for b in blobs:
        if b[1] == "disc":
            _, _, cy, cx, r = b
            m[b[0]][(yy - cy) ** 2 + (xx - cx) ** 2 <= r * r] = 1
        else:
            _, _, y0, x0, y1, x1 = b
            m[b[0], y0:y1, x0:x1] = 1
    return m


# Keep in sync with tests/metrics/metric_cases.h.
TIES_SHAPE = (4, 20, 24)
TIES_BLOBS = [
    (0, "disc", 5, 6, 3), (0, "rect", 12, 14, 17, 22),
    (1, "rect", 2, 2, 3, 3), (1, "rect", 8, 8, 11, 11), (1, "rect", 11, 11, 14, 14),
    (1, "disc", 15, 20, 2), (1, "disc", 0, 23, 3),
    (3, "rect", 3, 3, 17, 20), (3, "disc", 18, 22, 1),
]
CONT_SHAPE = (3, 17, 13)
CONT_BLOBS = [(0, "disc", 8, 6, 4), (1, "rect", 0, 0, 4, 13), (1, "rect", 16, 12, 17, 13)]


def ties_case():
    """Integer scores hash % 12, +5 inside the ground truth: many ties across both classes."""
    n, h, w = TIES_SHAPE
    m = masks_from_blobs(n, h, w, TIES_BLOBS)
    s = (hash32(np.arange(n * h * w), 1) % 12).astype(np.float32).reshape(n, h, w) + 5 * m
    return s.astype(np.float32), m


def continuous_case():
    """(hash >> 9) / 2^23, +0.25 inside the ground truth; every value exact in float32."""
    n, h, w = CONT_SHAPE
    m = masks_from_blobs(n, h, w, CONT_BLOBS)
    k = (hash32(np.arange(n * h * w), 7) >> 9).reshape(n, h, w) + (m.astype(np.uint64) << 21)
    return (k.astype(np.float64) / 2.0 ** 23).astype(np.float32), m


def regions_8(masks):
    """Per image: list of boolean region masks, 8-connected components."""
    out = []
    for m in masks:
        lab, k = ndimage.label(m, structure=np.ones((3, 3), dtype=int))
        out.append([lab == r for r in range(1, k + 1)])
    return out


def pro_curve_plain(scores, masks):
    """One point per distinct score t (descending): positives are scores >= t."""
    regions = regions_8(masks)
    normal = masks == 0
    xs, ys = [0.0], [0.0]
    for t in np.unique(scores)[::-1]:
        pred = scores >= t
        xs.append((pred & normal).sum() / normal.sum())
        overlaps = [(pred[i] & r).sum() / r.sum() for i, rs in enumerate(regions) for r in rs]
        ys.append(np.mean(overlaps))
    xs.append(1.0)
    ys.append(1.0)
    return np.array(xs), np.array(ys)


def integrate_to(xs, ys, limit):
    """Trapezoid up to x = limit, y at the limit interpolated on the crossing segment."""
    keep = xs <= limit
    area = np.trapezoid(ys[keep], xs[keep])
    last = np.nonzero(keep)[0][-1]
    if xs[last] < limit:
        x0, y0, x1, y1 = xs[last], ys[last], xs[last + 1], ys[last + 1]
        y = y0 + (y1 - y0) * (limit - x0) / (x1 - x0)
        area += (limit - x0) * (y0 + y) / 2
    return area


def aupro_plain(scores, masks, limit):
    xs, ys = pro_curve_plain(scores, masks)
    return integrate_to(xs, ys, limit) / limit


def aupro_by_sorting(scores, masks, limit):
    """Second, independent route (per-pixel increments after one sort) used as a self-check."""
    regions = regions_8(masks)
    fp_inc = (masks == 0).astype(np.float64)
    pro_inc = np.zeros(scores.shape)
    count = 0
    for i, rs in enumerate(regions):
        for r in rs:
            pro_inc[i][r] = 1.0 / r.sum()
            count += 1
    order = np.argsort(-scores.ravel(), kind="stable")
    s = scores.ravel()[order]
    fp = np.cumsum(fp_inc.ravel()[order]) / fp_inc.sum()
    pro = np.cumsum(pro_inc.ravel()[order]) / count
    last_of_tie = np.append(np.diff(s) != 0, True)
    xs = np.concatenate([[0.0], np.minimum(fp[last_of_tie], 1), [1.0]])
    ys = np.concatenate([[0.0], np.minimum(pro[last_of_tie], 1), [1.0]])
    return integrate_to(xs, ys, limit) / limit


def miou_plain(scores, masks, t):
    eps = np.finfo(float).eps
    vals = []
    for s, m in zip(scores, masks):
        p, g = s > t, m > 0
        vals.append(((p & g).sum() + eps) / ((p | g).sum() + eps))
    return float(np.mean(vals))


def cpp_array(name, values, ctype="double"):
    vals = ", ".join(repr(float(v)) if np.isfinite(v) else
                     ("INFINITY" if v > 0 else "-INFINITY") for v in values)
    return f"inline const std::vector<{ctype}> {name} = {{{vals}}};\n"


def main():
    lines = [
        "// Generated by tools/reference/metrics_reference.py (scikit-learn "
        f"{__import__('sklearn').__version__}, numpy {np.__version__}); do not edit.\n",
        "// Inputs: tests/metrics/metric_cases.h (same recipe as the script).\n",
        "#pragma once\n#include <cmath>\n#include <vector>\n\n",
        "namespace uflow::metrics::reference {\n\n",
    ]
    cases = {"ties": ties_case(), "continuous": continuous_case()}
    for name, (s, m) in cases.items():
        flat_s, flat_m = s.ravel(), m.ravel()
        # sklearn.metrics.roc_auc_score(masks.ravel(), scores.ravel())
        lines.append(f"inline constexpr double k_{name}_auroc = "
                     f"{float(roc_auc_score(flat_m, flat_s))!r};\n")
        # Image AUROC with the max of each map as image score.
        img_s, img_l = s.reshape(len(s), -1).max(1), m.reshape(len(m), -1).max(1)
        lines.append(f"inline constexpr double k_{name}_image_auroc = "
                     f"{float(roc_auc_score(img_l, img_s))!r};\n")
        counts = ", ".join(str(len(r)) for r in regions_8(m))
        lines.append(f"inline const std::vector<int> k_{name}_regions_per_image = {{{counts}}};\n")
        for limit, tag in [(0.3, "03"), (1.0, "1"), (0.05, "005")]:
            a, b = float(aupro_plain(s, m, limit)), float(aupro_by_sorting(s, m, limit))
            assert abs(a - b) < 1e-12, (name, limit, a, b)
            lines.append(f"inline constexpr double k_{name}_aupro_{tag} = {a!r};\n")
        lines.append("\n")

    s, m = cases["ties"]
    for drop, tag in [(False, "all"), (True, "dropped")]:
        # sklearn.metrics.roc_curve(masks.ravel(), scores.ravel(), drop_intermediate=drop)
        fpr, tpr, thr = roc_curve(m.ravel(), s.ravel(), drop_intermediate=drop)
        lines += [cpp_array(f"k_ties_roc_{tag}_fpr", fpr), cpp_array(f"k_ties_roc_{tag}_tpr", tpr),
                  cpp_array(f"k_ties_roc_{tag}_thresholds", thr)]
    xs, ys = pro_curve_plain(s, m)
    keep = xs <= 0.3
    lines += [cpp_array("k_ties_pro_fpr_upto_03", xs[keep]),
              cpp_array("k_ties_pro_overlap_upto_03", ys[keep])]
    lines.append("\n")

    for name, (s, m) in cases.items():
        grid = np.arange(-1.0, 18.0, 1.0) if name == "ties" else np.linspace(-0.05, 1.3, 28)
        lines += [cpp_array(f"k_{name}_miou_grid", grid),
                  cpp_array(f"k_{name}_miou_on_grid", [miou_plain(s, m, t) for t in grid])]
        # Oracle: every distinct score as threshold, plus one below them all.
        cands = np.concatenate([[np.nextafter(s.min(), -np.inf)], np.unique(s)])
        lines.append(f"inline constexpr double k_{name}_miou_oracle = "
                     f"{float(max(miou_plain(s, m, t) for t in cands))!r};\n\n")

    lines.append("}  // namespace uflow::metrics::reference\n")
    with open(OUT, "w") as f:
        f.writelines(lines)
    print("wrote", os.path.relpath(OUT, ROOT), file=sys.stderr)


if __name__ == "__main__":
    main()
