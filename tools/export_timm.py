#!/usr/bin/env python3
"""Writes a timm CaiT or ResNet model to uflow's weight file format (weights/weight_file.h,
version 1).

    python3 tools/export_timm.py --model cait_m48_448 --pretrained   # -> weights/cait_m48_448.h5
    python3 tools/export_timm.py --model cait_s24_224 --pretrained   # -> weights/cait_s24_224.h5
    python3 tools/export_timm.py --model cait_xxs24_224 --out /tmp/x.h5        # random init
    python3 tools/export_timm.py --model cait_s24_224 --checkpoint my.pth --out s24.h5
    python3 tools/export_timm.py --model resnet18 --pretrained       # -> weights/resnet18.h5
    python3 tools/export_timm.py --model wide_resnet50_2 --pretrained

ResNets are exported as the feature extractor U-Flow uses (features_only, out_indices 1, 2, 3:
the stem and layer1-3; layer4 and fc are left out), without BatchNorm's num_batches_tracked
counters, so the file matches layers/resnet.h key for key.

--pretrained has timm fetch its ImageNet weights (internet access the first time; timm caches
them). Without it the model keeps timm's random initialisation, which is enough to try the
format; --checkpoint loads a local state_dict (.pth) instead.

File layout: one float32 dataset per state_dict key, flat at the root (the dots belong to the
name: "blocks.3.attn.qkv.weight"), in the tensor's own shape; root attributes format
("uflow-weights"), version (int64, 1), arch (str), input_size (int64, the square input side),
mean and std (float64[3], from timm's pretrained config). The file is written to "<out>.tmp"
and renamed, so an interrupted export never leaves a half-written file under the final name.

write_weights() is also used by tools/reference/cait_reference.py (fixture weights) and
tools/export_uflow_ckpt.py (extractor weights inside U-Flow checkpoints), so every weight file
goes through the same writer.
"""
import argparse
import os
import sys

import h5py
import numpy as np

FORMAT = "uflow-weights"
VERSION = 1
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)
RESNETS = ("resnet18", "wide_resnet50_2")  # the U-Flow reference's other backbones


# uflow verifies checksums on read: every non-empty, non-scalar dataset gets HDF5's Fletcher-32
# filter and files use the 1.10 format, whose metadata is checksummed (weights/hdf5_layout.h).
H5_LIBVER = ("v110", "latest")


def checked_dataset(f, name, arr):
    """Writes arr as dataset `name` with a checksum; refuses NaN and +-Inf (uflow would)."""
    arr = np.ascontiguousarray(arr)
    if arr.dtype.kind == "f" and not np.all(np.isfinite(arr)):
        raise ValueError(f"'{name}' holds NaN or Inf values; refusing to write it")
    opts = dict(fletcher32=True) if arr.ndim > 0 and arr.size > 0 else {}
    f.create_dataset(name, data=arr, **opts)


def write_weights(path, tensors, arch, input_size, mean, std, dtype=np.float32):
    """tensors: a state_dict (mapping) or an iterable of (key, array-like) pairs; keys must be
    unique and free of '/'."""
    if hasattr(tensors, "items"):
        tensors = tensors.items()
    tmp = path + ".tmp"
    seen = set()
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    try:
        with h5py.File(tmp, "w", libver=H5_LIBVER) as f:
            f.attrs["format"] = FORMAT
            f.attrs["version"] = np.int64(VERSION)
            f.attrs["arch"] = str(arch)
            f.attrs["input_size"] = np.int64(input_size)
            f.attrs["mean"] = np.asarray(mean, dtype=np.float64)
            f.attrs["std"] = np.asarray(std, dtype=np.float64)
            for key, value in tensors:
                if "/" in key or not key:
                    raise ValueError(f"invalid key '{key}': keys are flat names without '/'")
                if key in seen:
                    raise ValueError(f"key '{key}' given twice")
                seen.add(key)
                arr = value.detach().cpu().numpy() if hasattr(value, "detach") else value
                checked_dataset(f, key, np.asarray(arr, dtype=dtype))
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise


def model_meta(model):
    """(input_size, mean, std) from the model's patch embedding and pretrained config."""
    cfg = getattr(model, "pretrained_cfg", None) or getattr(model, "default_cfg", {}) or {}
    size = cfg.get("input_size", (3, 224, 224))[-1]
    patch = getattr(model, "patch_embed", None)
    if patch is not None and hasattr(patch, "img_size"):
        size = patch.img_size[0] if isinstance(patch.img_size, (tuple, list)) else patch.img_size
    mean = cfg.get("mean", IMAGENET_MEAN)
    std = cfg.get("std", IMAGENET_STD)
    return int(size), tuple(float(m) for m in mean), tuple(float(s) for s in std)


def export(arch, out, pretrained=False, checkpoint=None, skip_prefixes=()):
    import timm
    import torch

    resnet = arch in RESNETS
    extra = dict(features_only=True, out_indices=(1, 2, 3)) if resnet else {}
    model = timm.create_model(arch, pretrained=pretrained and checkpoint is None, **extra)
    if checkpoint:
        state = torch.load(checkpoint, map_location="cpu", weights_only=True)
        for wrapper in ("state_dict", "model"):
            if isinstance(state, dict) and wrapper in state and isinstance(state[wrapper], dict):
                state = state[wrapper]
        if resnet:  # a whole-network state_dict: the feature part only
            state = {k: v for k, v in state.items() if not k.startswith(("layer4.", "fc."))}
        model.load_state_dict(state)  # strict: a checkpoint of another model fails here
    size, mean, std = model_meta(model)
    items = [(k, v) for k, v in model.state_dict().items()
             if not any(k.startswith(p) for p in skip_prefixes)
             and not k.endswith("num_batches_tracked")]
    write_weights(out, items, arch, size, mean, std)
    n = sum(int(np.prod(v.shape)) for _, v in items)
    source = "checkpoint" if checkpoint else ("pretrained" if pretrained else "random init")
    print(f"wrote {out}: {arch} ({source}), {len(items)} tensors, {n:,} parameters, "
          f"input {size}")


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--model", required=True,
                   help="timm CaiT name (e.g. cait_m48_448), resnet18 or wide_resnet50_2")
    p.add_argument("--out", help="output .h5 (default: weights/<model>.h5 in the repository)")
    p.add_argument("--pretrained", action="store_true",
                   help="timm's pretrained ImageNet weights (downloaded once) instead of its "
                        "random initialisation")
    p.add_argument("--checkpoint", help="load this state_dict (.pth) into the model first")
    p.add_argument("--skip", action="append", default=[], metavar="PREFIX",
                   help="leave out keys starting with PREFIX (e.g. head.); repeatable")
    a = p.parse_args(argv)
    if not a.model.startswith("cait_") and a.model not in RESNETS:
        p.error(f"--model must be a timm CaiT variant (cait_*), resnet18 or wide_resnet50_2, "
                f"got {a.model!r}")
    out = a.out or os.path.join(ROOT, "weights", a.model + ".h5")
    export(a.model, out, pretrained=a.pretrained, checkpoint=a.checkpoint,
           skip_prefixes=tuple(a.skip))
    return 0


if __name__ == "__main__":
    sys.exit(main())
