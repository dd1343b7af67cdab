#!/usr/bin/env python3
"""Writes a timm CaiT model to uflow's weight file format (weights/weight_file.h, version 1).

    python3 tools/export_timm.py cait_m48_448 weights/cait_m48_448.h5
    python3 tools/export_timm.py cait_s24_224 weights/cait_s24_224.h5
    python3 tools/export_timm.py cait_xxs24_224 /tmp/x.h5 --random      # no download
    python3 tools/export_timm.py cait_s24_224 out.h5 --checkpoint my.pth  # a local state_dict

By default the model's pretrained ImageNet weights are fetched by timm (needs internet access
the first time; timm caches them). The file holds one float32 dataset per state_dict key,
flat at the root (the dots belong to the name), and the root attributes format, version,
arch, input_size, mean and std. The file is written to "<out>.tmp" and renamed, so an
interrupted export never leaves a half-written file under the final name.

write_weights() is also used by tools/reference/make_cait_fixtures.py, so the parity tests
read their weights through the same path as real exports.
"""
import argparse
import os
import sys

import h5py
import numpy as np

FORMAT = "uflow-weights"
VERSION = 1


def write_weights(path, tensors, arch, input_size, mean, std, dtype=np.float32):
    """tensors: a state_dict (mapping) or an iterable of (key, array-like) pairs; keys must be
    unique and free of '/'."""
    if hasattr(tensors, "items"):
        tensors = tensors.items()
    tmp = path + ".tmp"
    seen = set()
    try:
        with h5py.File(tmp, "w") as f:
            f.attrs["format"] = FORMAT
            f.attrs["version"] = np.int64(VERSION)
            f.attrs["arch"] = arch
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
                f.create_dataset(key, data=np.ascontiguousarray(arr, dtype=dtype))
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise


def model_meta(model, arch):
    """(input_size, mean, std) from the model's pretrained config."""
    cfg = getattr(model, "pretrained_cfg", None) or getattr(model, "default_cfg", {}) or {}
    size = cfg.get("input_size", (3, 224, 224))[-1]
    mean = cfg.get("mean", (0.485, 0.456, 0.406))
    std = cfg.get("std", (0.229, 0.224, 0.225))
    patch = getattr(model, "patch_embed", None)
    if patch is not None and hasattr(patch, "img_size"):
        size = patch.img_size[0] if isinstance(patch.img_size, (tuple, list)) else patch.img_size
    return int(size), tuple(float(m) for m in mean), tuple(float(s) for s in std)


def export(arch, out, pretrained=True, checkpoint=None, skip_prefixes=()):
    import timm
    import torch

    model = timm.create_model(arch, pretrained=pretrained and checkpoint is None)
    if checkpoint:
        state = torch.load(checkpoint, map_location="cpu")
        for wrapper in ("state_dict", "model"):
            if isinstance(state, dict) and wrapper in state and isinstance(state[wrapper], dict):
                state = state[wrapper]
        model.load_state_dict(state)  # strict: a checkpoint of another model fails here
    size, mean, std = model_meta(model, arch)
    items = [(k, v) for k, v in model.state_dict().items()
             if not any(k.startswith(p) for p in skip_prefixes)]
    write_weights(out, items, arch, size, mean, std)
    n = sum(int(np.prod(v.shape)) for _, v in items)
    print(f"{out}: {arch}, {len(items)} tensors, {n:,} parameters, input {size}")


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("arch", help="timm model name, e.g. cait_m48_448")
    p.add_argument("out", help="output .h5 path")
    p.add_argument("--random", action="store_true",
                   help="timm's random initialisation instead of the pretrained weights")
    p.add_argument("--checkpoint", help="load this state_dict (.pth) into the model first")
    p.add_argument("--skip", action="append", default=[], metavar="PREFIX",
                   help="leave out keys starting with PREFIX (e.g. head.); repeatable")
    a = p.parse_args(argv)
    if not a.arch.startswith("cait_"):
        print(f"warning: {a.arch} is not a CaiT model; uflow only reads CaiT weights",
              file=sys.stderr)
    export(a.arch, a.out, pretrained=not a.random, checkpoint=a.checkpoint,
           skip_prefixes=tuple(a.skip))


if __name__ == "__main__":
    main()
