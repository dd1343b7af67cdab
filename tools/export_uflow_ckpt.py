#!/usr/bin/env python3
"""Converts a trained U-Flow checkpoint of the PyTorch reference (the authors' Lightning .ckpt
from mtailanian/uflow, or anomalib's Uflow .ckpt) into uflow's HDF5 checkpoint, plus the two
extractor weight files:

    python3 tools/export_uflow_ckpt.py bottle.ckpt --out runs/bottle/checkpoint.h5 \\
        --weights-dir weights
    build/uflow predict runs/bottle/checkpoint.h5 data/mvtec/bottle --out pred/bottle

What is read. Both sources are Lightning checkpoints whose "state_dict" holds the reference
model under a prefix ("model."):
  <prefix>flow.module_list.<n>.{global_scale, global_offset, w_perm, w_perm_inv,
                                subnet.0.weight, subnet.0.bias, subnet.2.weight, subnet.2.bias}
      one FrEIA AllInOneBlock per coupling step; module_list indices follow the reference
      GraphINN: per scale from the coarsest, its blocks, then split, upsampling and concat
      (which hold no trainable parameters; the upsampling holds a fixed downsample_kernel).
  <prefix>feature_extractor.extractor1.<timm key>   cait_m48_448 (448 input)
  <prefix>feature_extractor.extractor2.<timm key>   cait_s24_224 (224 input)
w_perm is the permutation either as a C×C 0/1 matrix (FrEIA at the pinned commit, anomalib;
shape (C, C, 1, 1)) with y[:, o] = sum_i w[o, i]·v[:, i], or as an index vector (newer FrEIA)
with y[:, o] = v[:, w_perm[o]]; both become the index vector p with y[:, o] = v[:, p[o]].
Other entries (metrics, thresholds, the optimiser state) are ignored.

What is written.
  <out>: format "uflow-checkpoint" version 1 (apps/model/checkpoint.h): datasets
      flow/module_list.<n>.<param>  float32, the reference names without the "flow." prefix
      permutation/<s>.<j>           int64 index vector of block j of scale s (s = 0 finest)
    and the root attributes of a uflow checkpoint (extractor "paper" when the extractors are
    cait_m48_448 + cait_s24_224, otherwise "custom"; flow_steps; clamp; clamp_mode "pinned";
    weights_dir; epoch from the Lightning checkpoint; lr and weight_decay from its optimiser
    when present), plus flow_features (int64, scales × (C, H, W), finest first) and source.
  <weights-dir>/<arch>.h5: each extractor in the uflow-weights format (tools/export_timm.py),
    arch being the timm name the shapes identify (cait_m48_448, cait_s24_224, ...).
Both are written to "<path>.tmp" and renamed.

Lightning checkpoints may pickle library objects (hyper-parameter containers); such files only
load with --trust-pickle, which runs the unpickler with full privileges: use it only for files
you trust.
"""
import argparse
import os
import re
import sys
import zipfile

import h5py
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from export_timm import (H5_LIBVER, IMAGENET_MEAN, IMAGENET_STD, checked_dataset,  # noqa: E402
                         write_weights)

CHECKPOINT_FORMAT = "uflow-checkpoint"
CHECKPOINT_VERSION = 1
FLOW_MARK = "flow.module_list."
EXTRACTOR_MARK = "feature_extractor.extractor"
PAPER_ARCHS = ("cait_m48_448", "cait_s24_224")
BLOCK_PARAMS = ("global_scale", "global_offset", "subnet.0.weight", "subnet.0.bias",
                "subnet.2.weight", "subnet.2.bias")
# (embed_dim, depth, input) -> timm name, for naming the extractor weight files.
TIMM_CAITS = {
    (192, 24, 224): "cait_xxs24_224", (192, 24, 384): "cait_xxs24_384",
    (192, 36, 224): "cait_xxs36_224", (192, 36, 384): "cait_xxs36_384",
    (288, 24, 384): "cait_xs24_384", (384, 24, 224): "cait_s24_224",
    (384, 24, 384): "cait_s24_384", (384, 36, 384): "cait_s36_384",
    (768, 36, 384): "cait_m36_384", (768, 48, 448): "cait_m48_448",
}


class ConversionError(Exception):
    pass


def load_checkpoint(path, trust_pickle=False):
    import torch

    if not os.path.isfile(path):
        raise ConversionError(f"{path}: file not found")
    if not zipfile.is_zipfile(path):
        raise ConversionError(f"{path}: not a PyTorch checkpoint (torch.save zip archive)")
    try:
        ckpt = torch.load(path, map_location="cpu", weights_only=not trust_pickle)
    except Exception as e:
        if trust_pickle:
            raise
        # The restricted unpickler names the class it refused on a line of its own.
        lines = [ln.strip() for ln in str(e).splitlines() if "Unsupported global" in ln]
        why = lines[0] if lines else str(e).splitlines()[0]
        raise ConversionError(
            f"{path}: cannot load with the restricted unpickler ({why}); if you trust the "
            "file, run again with --trust-pickle") from None
    if not isinstance(ckpt, dict):
        raise ConversionError(f"{path}: not a checkpoint dictionary")
    state = ckpt.get("state_dict", ckpt)
    return ckpt, {k: v for k, v in state.items() if hasattr(v, "shape")}


def find_prefix(state, mark, path):
    prefixes = {k[:k.index(mark)] for k in state if mark in k}
    if not prefixes:
        raise ConversionError(f"{path}: no '{mark}' entries: not a U-Flow checkpoint")
    if len(prefixes) > 1:
        raise ConversionError(f"{path}: '{mark}' appears under several prefixes {sorted(prefixes)}")
    return prefixes.pop()


def permutation_vector(w, name):
    """Index vector p with y[:, o] = v[:, p[o]] from either stored form."""
    w = w.detach().cpu()
    if w.dim() == 1:
        p = w.numpy().astype(np.int64)
        if not np.array_equal(np.sort(p), np.arange(len(p))):
            raise ConversionError(f"{name} is not a permutation of 0..{len(p) - 1}")
        return p
    m = w.reshape(w.shape[0], w.shape[1]).double().numpy()
    if not (np.all((m == 0) | (m == 1)) and np.all(m.sum(0) == 1) and np.all(m.sum(1) == 1)):
        raise ConversionError(f"{name} is not a 0/1 permutation matrix (soft permutations, "
                              "permute_soft=True, are not supported)")
    return np.argmax(m, axis=1).astype(np.int64)


def flow_structure(state, prefix, path):
    """Blocks grouped into stages, coarsest first: [[module index, ...], ...]."""
    pattern = re.compile(re.escape(prefix + FLOW_MARK) + r"(\d+)\.global_scale$")
    indices = sorted(int(m.group(1)) for k in state if (m := pattern.match(k)))
    if not indices:
        raise ConversionError(f"{path}: no coupling blocks under '{prefix}{FLOW_MARK}'")
    stages = [[indices[0]]]
    for n in indices[1:]:
        if n == stages[-1][-1] + 1:
            stages[-1].append(n)
        elif n == stages[-1][-1] + 4:  # split, upsampling, concat in between
            stages.append([n])
        else:
            raise ConversionError(f"{path}: unexpected module_list layout at index {n}")
    steps = len(stages[0])
    if any(len(s) != steps for s in stages):
        raise ConversionError(f"{path}: scales have different numbers of blocks "
                              f"{[len(s) for s in stages]}")
    return stages, steps


def extractor_info(state, prefix, index, path):
    p = f"{prefix}{EXTRACTOR_MARK}{index}."
    sub = {k[len(p):]: v for k, v in state.items() if k.startswith(p)}
    if "patch_embed.proj.weight" not in sub:
        raise ConversionError(f"{path}: no CaiT extractor under '{p}' (only the MS-CaiT "
                              "extractor is supported)")
    dim, _, patch, _ = sub["patch_embed.proj.weight"].shape
    tokens = sub["pos_embed"].shape[1]
    grid = int(round(tokens ** 0.5))
    depth = len({k.split(".")[1] for k in sub if k.startswith("blocks.")})
    size = grid * patch
    arch = TIMM_CAITS.get((dim, depth, size), f"cait_d{dim}_depth{depth}_{size}")
    return sub, arch, int(dim), int(grid), int(size)


def recorded_weights_dir(weights_dir, out):
    """weights_dir as uflow resolves it: relative to the folder of the checkpoint `out`."""
    if os.path.isabs(weights_dir):
        return weights_dir
    return os.path.relpath(os.path.abspath(weights_dir), os.path.dirname(os.path.abspath(out)))


def convert(ckpt_path, out, weights_dir, trust_pickle=False, log=print, weights_dir_attr=None):
    """weights_dir_attr: the folder recorded in the checkpoint, when uflow will find the
    extractor weights somewhere else than where they are written now. By default the folder is
    recorded relative to the checkpoint's own folder, which is how uflow resolves it."""
    ckpt, state = load_checkpoint(ckpt_path, trust_pickle)
    prefix = find_prefix(state, FLOW_MARK, ckpt_path)
    ex_prefix = find_prefix(state, EXTRACTOR_MARK, ckpt_path)
    stages, steps = flow_structure(state, prefix, ckpt_path)
    scales = len(stages)
    extractors = [extractor_info(state, ex_prefix, i + 1, ckpt_path) for i in range(scales)]

    # Stage channels from the blocks, coarsest first; features from the U rule.
    gs = lambda n: state[f"{prefix}{FLOW_MARK}{n}.global_scale"]  # noqa: E731
    stage_channels = [int(gs(stage[0]).shape[1]) for stage in stages][::-1]  # finest first
    features = []
    for s in range(scales):
        up = stage_channels[s + 1] // 8 * 4 if s + 1 < scales else 0
        c = stage_channels[s] - up // 4
        _, _, dim, grid, _ = extractors[s]
        if c != dim or (s > 0 and grid * 2 != extractors[s - 1][3]):
            raise ConversionError(f"{ckpt_path}: flow scale {s} takes {c} channels but extractor "
                                  f"{s + 1} gives {dim} at {grid}x{grid}")
        features.append((c, grid, grid))

    flow_tensors, perms = [], []
    for s in range(scales):  # finest first
        for j, n in enumerate(stages[scales - 1 - s]):
            base = f"{prefix}{FLOW_MARK}{n}."
            kernel = state[base + "subnet.0.weight"].shape[-1]
            if kernel != (3 if j % 2 == 0 else 1):
                raise ConversionError(f"{ckpt_path}: block module_list.{n} has kernel {kernel}, "
                                      "the reference alternates 3, 1")
            for p in BLOCK_PARAMS:
                if base + p not in state:
                    raise ConversionError(f"{ckpt_path}: missing {base + p}")
                flow_tensors.append((f"module_list.{n}.{p}", state[base + p]))
            perm = permutation_vector(state[base + "w_perm"], base + "w_perm")
            if base + "w_perm_inv" in state:
                inv = permutation_vector(state[base + "w_perm_inv"], base + "w_perm_inv")
                if not np.array_equal(perm[inv], np.arange(len(perm))):
                    raise ConversionError(f"{ckpt_path}: {base}w_perm_inv is not the inverse "
                                          "of w_perm")
            perms.append((f"{s}.{j}", perm))

    archs = [e[1] for e in extractors]
    os.makedirs(weights_dir, exist_ok=True)
    for sub, arch, _, _, size in extractors:
        path = os.path.join(weights_dir, arch + ".h5")
        write_weights(path, sub, arch, size, IMAGENET_MEAN, IMAGENET_STD)
        log(f"wrote {path}: {len(sub)} tensors")

    optim = (ckpt.get("optimizer_states") or [{}])[0]
    group = (optim.get("param_groups") or [{}])[0] if isinstance(optim, dict) else {}
    hparams = ckpt.get("hyper_parameters") or {}
    clamp = float(hparams.get("affine_clamp", 2.0)) if isinstance(hparams, dict) else 2.0
    attrs = dict(
        format=CHECKPOINT_FORMAT, version=np.int64(CHECKPOINT_VERSION),
        epoch=np.int64(ckpt.get("epoch", 0) or 0),
        extractor="paper" if tuple(archs) == PAPER_ARCHS else "custom",
        input_size=np.int64(extractors[0][4]), small_depth=np.int64(0),
        extractor_seed=np.int64(0), weights_dir=str(weights_dir_attr or recorded_weights_dir(weights_dir, out)), flow_steps=np.int64(steps),
        clamp=np.float64(clamp), clamp_mode="pinned", seed=np.int64(0), map_size=np.int64(256),
        epochs=np.int64(0), batch=np.int64(0),
        lr=np.float64(group.get("lr", 0.0)), weight_decay=np.float64(group.get("weight_decay", 0.0)),
        loss="current", flow_features=np.asarray(features, dtype=np.int64).reshape(-1),
        source=os.path.basename(ckpt_path), extractor_archs=",".join(archs))
    tmp = out + ".tmp"
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    try:
        with h5py.File(tmp, "w", libver=H5_LIBVER) as f:
            for k, v in attrs.items():
                f.attrs[k] = v
            for name, t in flow_tensors:
                checked_dataset(f, "flow/" + name, t.detach().cpu().float().numpy())
            for name, p in perms:
                checked_dataset(f, "permutation/" + name, p)
        os.replace(tmp, out)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise
    log(f"wrote {out}: {scales} scales x {steps} blocks, features {features}, "
        f"extractors {archs}")
    return dict(features=features, steps=steps, archs=archs)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("checkpoint", help="the reference's .ckpt (authors' or anomalib's)")
    p.add_argument("--out", required=True, help="uflow checkpoint to write (.h5)")
    p.add_argument("--weights-dir", default="weights",
                   help="folder for the extractor weight files (default: weights)")
    p.add_argument("--trust-pickle", action="store_true",
                   help="allow arbitrary pickled objects in the checkpoint (trusted files only)")
    a = p.parse_args(argv)
    try:
        convert(a.checkpoint, a.out, a.weights_dir, a.trust_pickle)
    except ConversionError as e:
        print(f"export_uflow_ckpt: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
