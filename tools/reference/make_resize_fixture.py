#!/usr/bin/env python3
"""Pre-processing fixture for tests/imaging/test_preprocess.cpp:

    python3 tools/reference/make_resize_fixture.py   # writes tests/fixtures/resize/resize.h5

A synthetic, natural-looking 600x700 (H x W) uint8 RGB image (smooth shading, soft blobs,
hard-edged shapes, thin lines, fine stripes and a noisy patch: every frequency the resize
filter must handle) is resized to 448x448 with
torch.nn.functional.interpolate(mode="bilinear", antialias=True, align_corners=False) from the
[0, 1] float image (x / 255), then normalised with the ImageNet mean and std as torchvision's
Normalize does. The full 448x448 result is ~2.4 MB of incompressible floats, so the fixture
keeps 32 whole rows (the first two, the last two and every 16th) plus per-channel sums and sums
of squares of the full result, which every pixel contributes to. The resize is stored in
float64 (a float32 resize is checked against it with a float32 tolerance), the normalised image
in float32, computed by torch from its float32 resize as the reference pipeline does.

Also stored, for documentation: PIL's BILINEAR resize of the same image in float mode on 8 of
those rows, and as attributes the largest differences between PIL (float mode, and the usual
uint8 result) and torch over the whole image. The script prints them too.
"""
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fixture_io import fixture_file, out_path, put, set_attrs  # noqa: E402

H, W, SIZE = 600, 700, 448
MEAN = (0.485, 0.456, 0.406)
STD = (0.229, 0.224, 0.225)


def synthetic_image(seed=7):
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:H, 0:W].astype(np.float64)
    u, v = x / W, y / H
    img = np.zeros((H, W, 3))
    # Sky-like vertical shading and a warm ground plane.
    img += np.stack([0.35 + 0.3 * v, 0.5 + 0.2 * v, 0.85 - 0.4 * v], -1)
    ground = v > 0.62 + 0.05 * np.sin(7 * u)
    img[ground] = np.stack([0.45 + 0.2 * u, 0.35 + 0.1 * v, 0.2 + 0.0 * u], -1)[ground]
    # Soft blobs.
    for _ in range(12):
        cx, cy, r = rng.uniform(0, W), rng.uniform(0, H), rng.uniform(15, 90)
        colour = rng.uniform(0, 1, 3)
        g = np.exp(-((x - cx) ** 2 + (y - cy) ** 2) / (2 * r * r))[..., None]
        img = img * (1 - 0.7 * g) + 0.7 * g * colour
    # Hard-edged disc and rectangle.
    disc = (x - 480) ** 2 + (y - 200) ** 2 < 70 ** 2
    img[disc] = (0.9, 0.8, 0.1)
    img[380:470, 90:260] = (0.1, 0.15, 0.5)
    # Thin dark lines at several angles (wires, cracks).
    for a, b, c in ((0.3, -1.0, 310.0), (-2.0, -1.0, 1300.0), (0.05, -1.0, 90.0)):
        d = np.abs(a * x + b * y + c) / np.hypot(a, b)
        img[d < 1.2] *= 0.2
    # Fine stripes whose frequency rises to near Nyquist (aliasing test for the filter).
    band = (y > 520) & (y < 580)
    stripes = 0.5 + 0.5 * np.sin(2 * np.pi * x * (0.02 + 0.4 * u))
    img[band] = img[band] * 0.5 + 0.5 * stripes[band][:, None]
    # A textured, noisy patch.
    img[60:160, 560:680] += rng.normal(0, 0.15, (100, 120, 3))
    return np.clip(np.round(img * 255), 0, 255).astype(np.uint8)


def main():
    img = synthetic_image()
    rows = sorted(set([0, 1, SIZE - 2, SIZE - 1] + list(range(13, SIZE, 16))))
    x32 = torch.from_numpy(img).permute(2, 0, 1).unsqueeze(0).float() / 255
    x64 = torch.from_numpy(img).permute(2, 0, 1).unsqueeze(0).double() / 255

    def resize(x):
        return F.interpolate(x, size=(SIZE, SIZE), mode="bilinear", antialias=True,
                             align_corners=False)[0]

    def normalize(y):
        mean = torch.tensor(MEAN, dtype=y.dtype).view(3, 1, 1)
        std = torch.tensor(STD, dtype=y.dtype).view(3, 1, 1)
        return (y - mean) / std

    r32, r64 = resize(x32), resize(x64)
    n32 = normalize(r32)
    pil_u8 = np.asarray(Image.fromarray(img).resize((SIZE, SIZE), Image.BILINEAR))
    pil_f = np.stack([np.asarray(Image.fromarray(img[..., c].astype(np.float32) / 255, "F")
                                 .resize((SIZE, SIZE), Image.BILINEAR)) for c in range(3)])

    d_float = float(np.abs(pil_f - r64.numpy()).max())
    diff_u8 = np.abs(pil_u8.transpose(2, 0, 1).astype(np.float64) - 255 * r64.numpy())
    path = out_path("resize", "resize.h5")
    with fixture_file(path, __file__, pil_version=Image.__version__) as f:
        set_attrs(f, height=H, width=W, size=SIZE, mean=MEAN, std=STD,
                  pil_float_max_abs_diff=d_float, pil_uint8_max_abs_diff_levels=diff_u8.max(),
                  pil_uint8_mean_abs_diff_levels=diff_u8.mean())
        put(f, "image", img)  # (H, W, 3) uint8
        f.create_dataset("rows", data=np.asarray(rows, dtype=np.int64))
        put(f, "f64/resized_rows", r64[:, rows])
        put(f, "f32/normalized_rows", n32[:, rows])
        # Sums over the whole 448x448 result, per channel, accumulated in float64.
        put(f, "f64/resized_sum", r64.sum(dim=(1, 2)))
        put(f, "f64/resized_sum_sq", (r64 ** 2).sum(dim=(1, 2)))
        put(f, "f32/normalized_sum", n32.double().sum(dim=(1, 2)))
        pil_rows = rows[::4]
        f.create_dataset("pil/rows", data=np.asarray(pil_rows, dtype=np.int64))
        put(f, "pil/float_rows", torch.from_numpy(pil_f)[:, pil_rows])
    print("wrote", path)
    print("PIL float BILINEAR vs torch antialiased bilinear: max |diff| %.3g (of 1)" % d_float)
    print("PIL uint8 BILINEAR vs 255 * torch: max |diff| %.3g levels, mean %.3g" % (
        diff_u8.max(), diff_u8.mean()))


if __name__ == "__main__":
    main()
