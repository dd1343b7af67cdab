#!/usr/bin/env python3
"""Expected values for the interpolation tests (tests/core/test_interpolate.cpp), computed with
torch.nn.functional.interpolate and torch.autograd.

Inputs are not stored: both this script and the test build them from the same recipe, either
torch.arange(n) or torch.sin(a * torch.arange(n, dtype=torch.float64) + b) cast to the case's
dtype, reshaped to the input shape. Each case records the output, and the gradient of
sum(out * cos(0.37 * arange(out.numel()))) with respect to the input; large cases record only
sampled elements plus the full sums. Writes tests/core/interpolate_reference.h:

    python3 tools/reference/interpolate_reference.py
"""
import os

import torch
import torch.nn.functional as F

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "tests", "core", "interpolate_reference.h")


def make_input(shape, a, b, dtype):
    n = 1
    for s in shape:
        n *= s
    i = torch.arange(n, dtype=torch.float64)
    x = i if a == 0 else torch.sin(a * i + b)
    return x.to(dtype).reshape(shape)


def fmt(values, dtype):
    f = "%.9g" if dtype == torch.float32 else "%.17g"
    return "{" + ", ".join(f % v for v in values) + "}"


def case(name, shape, a, b, size, mode, align_corners, antialias=False, dtype=torch.float32,
         sample=None, grad_sample=None):
    x = make_input(shape, a, b, dtype).requires_grad_(True)
    y = F.interpolate(x, size=size, mode=mode, align_corners=align_corners, antialias=antialias)
    w = torch.cos(0.37 * torch.arange(y.numel(), dtype=torch.float64)).to(dtype).reshape(y.shape)
    (y * w).sum().backward()
    yv = y.detach().reshape(-1)
    gv = x.grad.reshape(-1)
    sample = sample or []
    if grad_sample is None and gv.numel() > 48:  # keep the header small: 16 spread elements
        grad_sample = sorted(set(round(k * (gv.numel() - 1) / 15) for k in range(16)))
    grad_sample = grad_sample or []
    out = yv[sample].tolist() if sample else yv.tolist()
    grad = gv[grad_sample].tolist() if grad_sample else gv.tolist()
    src = ("torch.arange(%d)" % x.numel()) if a == 0 else (
        "torch.sin(%g * torch.arange(%d, dtype=torch.float64) + %g)" % (a, x.numel(), b))
    expr = ("F.interpolate(%s.to(%s).reshape%s, size=%s, mode='%s', align_corners=%s%s)" % (
        src, str(dtype), tuple(shape), tuple(size), mode, align_corners,
        ", antialias=True" if antialias else ""))
    mode_cpp = "InterpMode::bilinear" if mode == "bilinear" else "InterpMode::bicubic"
    dt_cpp = "DType::f32" if dtype == torch.float32 else "DType::f64"
    lines = [
        "    // %s" % expr,
        "    {\"%s\", {%s}, %r, %r, %d, %d, %s, %s, %s, %s," % (
            name, ", ".join(str(s) for s in shape), float(a), float(b), size[0], size[1],
            mode_cpp, "true" if align_corners else "false", "true" if antialias else "false",
            dt_cpp),
        "     {%s}, %s," % (", ".join(str(i) for i in sample), fmt(out, dtype)),
        "     {%s}, %s," % (", ".join(str(i) for i in grad_sample), fmt(grad, dtype)),
        "     %.17g, %.17g}," % (yv.double().sum().item(), gv.double().sum().item()),
    ]
    return "\n".join(lines)


def main():
    cases = []
    modes = [("bilinear", False), ("bilinear", True), ("bicubic", False), ("bicubic", True)]
    for mode, ac in modes:
        tag = "%s_%s" % (mode, "ac" if ac else "noac")
        cases.append(case("arange_up_" + tag, (1, 1, 3, 4), 0, 0, (5, 7), mode, ac))
        cases.append(case("arange_down_" + tag, (1, 2, 3, 4), 0, 0, (2, 3), mode, ac))
        cases.append(case("sin_mixed_" + tag, (2, 1, 4, 5), 0.7, 0.3, (7, 3), mode, ac))
        if (mode == "bicubic") == ac:  # f64: two of the four combinations suffice
            cases.append(case("sin_mixed_f64_" + tag, (1, 1, 4, 5), 0.7, 0.3, (7, 3), mode, ac,
                              dtype=torch.float64))
    cases.append(case("aa_down", (1, 2, 9, 11), 0.45, 0.1, (4, 5), "bilinear", False, True))
    cases.append(case("aa_mixed", (1, 1, 5, 11), 0.45, 0.1, (8, 4), "bilinear", False, True))
    cases.append(case("aa_align_corners", (1, 1, 9, 11), 0.45, 0.1, (4, 5), "bilinear", True,
                      True))
    cases.append(case("aa_down_f64", (1, 1, 9, 11), 0.45, 0.1, (4, 5), "bilinear", False, True,
                      dtype=torch.float64))
    # The pre-processing shapes: a 700-px row shrunk to 448 (PIL-style), and the 448 -> 224
    # bicubic (align_corners=True) of the second extractor scale.
    picks = [0, 1, 2, 3, 150, 300, 446, 447, 448, 449, 600, 895]
    gpicks = [0, 1, 2, 350, 698, 699, 700, 701, 1050, 1399]
    cases.append(case("aa_700_to_448", (1, 1, 2, 700), 0.05, 0.2, (2, 448), "bilinear", False,
                      True, sample=picks, grad_sample=gpicks))
    cases.append(case("bicubic_448_to_224", (1, 1, 3, 448), 0.05, 0.2, (2, 224), "bicubic", True,
                      sample=[0, 1, 2, 100, 222, 223, 224, 225, 300, 447],
                      grad_sample=[0, 1, 2, 3, 447, 448, 449, 700, 1342, 1343]))
    header = """// Generated by tools/reference/interpolate_reference.py (torch %s); do not edit.
// Each case names the PyTorch call (F = torch.nn.functional) that produced its values. grad is
// d/dx of sum(out * cos(0.37 * arange(out.numel()))). When sample lists are given, only those
// flat indices are stored; out_sum and grad_sum cover every element.
#pragma once
#include <cstdint>
#include <vector>

#include "tensor/ops.h"

namespace uflow::test {

struct InterpReference {
  const char* name;
  Shape in_shape;
  double a, b;  // input: sin(a * i + b) in f64, cast to dtype; arange(n) when a == 0
  int64_t out_h, out_w;
  InterpMode mode;
  bool align_corners, antialias;
  DType dtype;
  std::vector<int64_t> sample;
  std::vector<double> out;
  std::vector<int64_t> grad_sample;
  std::vector<double> grad;
  double out_sum, grad_sum;
};

inline const std::vector<InterpReference> k_interp_references = {
""" % torch.__version__
    with open(OUT, "w") as f:
        f.write(header)
        f.write("\n".join(cases))
        f.write("\n};\n\n}  // namespace uflow::test\n")
    print("wrote", OUT)


if __name__ == "__main__":
    main()
