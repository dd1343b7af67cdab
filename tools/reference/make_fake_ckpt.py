#!/usr/bin/env python3
"""Builds a checkpoint with the key layout of the reference's trained U-Flow checkpoints, from
the reference modules themselves (FrEIA 0.2 GraphINN flow, timm Cait extractors) at small
sizes, to test tools/export_uflow_ckpt.py without downloading a real one:

    python3 tools/reference/make_fake_ckpt.py --out /tmp/fake.ckpt [--style anomalib]
        [--perm index] [--reference ref.h5]
    python3 tools/reference/make_fake_ckpt.py --fixture   # tests/fixtures/flow/ckpt_*.h5

The checkpoint is a Lightning-style dictionary (epoch, global_step, state_dict,
optimizer_states, hyper_parameters) saved with torch.save. state_dict holds the reference
model under "model.": model.feature_extractor.extractor{1,2}.<timm key> and
model.flow.module_list.<n>.<param>, with the extra entries each source carries (the authors':
metric states such as pixel_aupro.*; anomalib's: image_threshold.value, ...). --perm index
stores w_perm as an index vector, as FrEIA does after 2023.

--reference writes an HDF5 file with random features and the flow's latents for them, computed
in float64 by the same FrEIA graph, so a converted checkpoint can be checked against it.
--fixture does all of it for the C++ test tests/weights/test_uflow_ckpt_export.cpp: converts the
checkpoint with tools/export_uflow_ckpt.py into tests/fixtures/flow/ckpt_converted.h5, writes
tests/fixtures/flow/ckpt_reference.h5, and checks the conversion in Python first.
"""
import argparse
import copy
import os
import sys
import tempfile

import numpy as np
import torch
import torch.nn as nn
from FrEIA import framework as ff
from FrEIA import modules as fm
from timm.models.cait import Cait

from fixture_io import ROOT, fixture_file, out_path, put, set_attrs

sys.path.insert(0, os.path.join(ROOT, "tools"))
import export_uflow_ckpt  # noqa: E402

# Small stand-ins for cait_m48_448 / cait_s24_224: same structure, tiny sizes.
EXTRACTORS = [dict(img_size=64, embed_dim=16, depth=2, num_heads=2),
              dict(img_size=32, embed_dim=16, depth=1, num_heads=2)]
STEPS = 4
SEED = 7


def subnet_constructor(kernel):
    def make(c_in, c_out):
        return nn.Sequential(nn.Conv2d(c_in, c_in, kernel, padding="same"), nn.ReLU(),
                             nn.Conv2d(c_in, c_out, kernel, padding="same"))
    return make


def reference_flow(features, steps):
    """The reference's U-shaped GraphINN (features finest first)."""
    inputs = [ff.InputNode(*shape, name="cond_%d" % s) for s, shape in enumerate(features)]
    nodes, outputs = [], []

    def stage(node):
        out = []
        for j in range(steps):
            node = ff.Node(node, fm.AllInOneBlock,
                           dict(subnet_constructor=subnet_constructor(3 if j % 2 == 0 else 1),
                                affine_clamping=2.0, permute_soft=False))
            out.append(node)
        return out

    node = inputs[-1]
    for s in range(len(features) - 1, 0, -1):
        blocks = stage(node)
        c = blocks[-1].output_dims[0][0]
        split = ff.Node(blocks[-1], fm.Split, {"section_sizes": (c // 8 * 4, c - c // 8 * 4),
                                               "dim": 0})
        outputs.append(ff.OutputNode(split.out1))
        up = ff.Node(split.out0, fm.IRevNetUpsampling, {})
        node = ff.Node([inputs[s - 1].out0, up.out0], fm.Concat, {"dim": 0})
        nodes += blocks + [split, up, node]
    blocks = stage(node)
    nodes += blocks
    outputs.append(ff.OutputNode(blocks[-1]))
    return ff.GraphINN(inputs + nodes + outputs[::-1])


class FeatureExtractor(nn.Module):
    def __init__(self):
        super().__init__()
        self.extractor1 = Cait(patch_size=16, num_classes=1000, **EXTRACTORS[0])
        self.extractor2 = Cait(patch_size=16, num_classes=1000, **EXTRACTORS[1])


class ReferenceModel(nn.Module):
    """Holds what the reference's UFlow holds, under the same attribute names."""
    def __init__(self):
        super().__init__()
        self.feature_extractor = FeatureExtractor()
        grids = [e["img_size"] // 16 for e in EXTRACTORS]
        self.features = [(e["embed_dim"], g, g) for e, g in zip(EXTRACTORS, grids)]
        self.flow = reference_flow(self.features, STEPS)


def build_model():
    torch.manual_seed(SEED)
    np.random.seed(SEED)  # FrEIA's permutations
    model = ReferenceModel()
    gen = torch.Generator().manual_seed(SEED)
    with torch.no_grad():  # trained-looking values: nothing at its initial value
        for name, p in model.flow.named_parameters():
            if not p.requires_grad:
                continue
            n = torch.randn(p.shape, generator=gen, dtype=torch.float64).float()
            if name.endswith("global_scale"):
                p.add_(0.5 * n)
            elif name.endswith("global_offset"):
                p.copy_(0.2 * n)
            else:
                p.mul_(2.0)
        for p in model.feature_extractor.parameters():
            p.add_(0.02 * torch.randn(p.shape, generator=gen))
    return model.eval()


def to_index_permutations(state):
    """Rewrites w_perm / w_perm_inv as newer FrEIA stores them (int64 index vectors)."""
    out = {}
    for k, v in state.items():
        if k.endswith(".w_perm") or k.endswith(".w_perm_inv"):
            v = torch.argmax(v.reshape(v.shape[0], v.shape[1]), dim=1).to(torch.int64)
        out[k] = v
    return out


def lightning_checkpoint(model, style, perm):
    state = {"model." + k: v for k, v in model.state_dict().items()}
    if perm == "index":
        state = to_index_permutations(state)
    if style == "authors":
        state["pixel_aupro.fpr_limit"] = torch.tensor(0.3)
        hparams = {}
    else:
        state["image_threshold.value"] = torch.tensor(0.5)
        state["pixel_threshold.value"] = torch.tensor(0.5)
        hparams = {"backbone": "mcait", "flow_steps": STEPS, "affine_clamp": 2.0,
                   "affine_subnet_channels_ratio": 1.0, "permute_soft": False}
    return {
        "epoch": 12, "global_step": 345, "pytorch-lightning_version": "2.2.4",
        "state_dict": state,
        "optimizer_states": [{"state": {}, "param_groups": [
            {"lr": 1e-4, "betas": (0.9, 0.999), "eps": 1e-8, "weight_decay": 1e-5,
             "amsgrad": False, "params": []}]}],
        "lr_schedulers": [], "hyper_parameters": hparams,
    }


def write_reference(model, path, batch=2):
    gen = torch.Generator().manual_seed(SEED + 1)
    feats = [torch.randn(batch, *shape, generator=gen, dtype=torch.float64)
             for shape in model.features]
    flow = copy.deepcopy(model.flow).double()
    with torch.no_grad():
        z, log_det = flow(feats)
    with fixture_file(path, __file__) as f:
        set_attrs(f, scales=len(feats), steps=STEPS, batch=batch)
        for s, (x, zs) in enumerate(zip(feats, z)):
            put(f, "features/%d" % s, x)
            put(f, "z/%d" % s, zs)
        put(f, "log_det", log_det)
    print("wrote", path)


def check_conversion(model, converted, weights_dir, archs):
    """The converted file against the modules it came from."""
    import h5py

    with h5py.File(converted, "r") as f:
        flow = model.flow
        for name, p in flow.named_parameters():
            if p.requires_grad:
                assert np.array_equal(f["flow/" + name][()], p.detach().numpy()), name
        blocks = [(n, m) for n, m in flow.module_list.named_children()
                  if isinstance(m, fm.AllInOneBlock)]
        steps, scales = int(f.attrs["flow_steps"]), len(model.features)
        assert len(blocks) == steps * scales
        for i, (n, m) in enumerate(blocks):
            s, j = scales - 1 - i // steps, i % steps  # module_list runs coarsest first
            perm = f["permutation/%d.%d" % (s, j)][()]
            c = m.w_perm.shape[0]
            v = torch.randn(1, c, 3, 3)
            assert torch.equal(nn.functional.conv2d(v, m.w_perm), v[:, perm]), n
    for ex, arch in zip((model.feature_extractor.extractor1, model.feature_extractor.extractor2),
                        archs):
        with h5py.File(os.path.join(weights_dir, arch + ".h5"), "r") as f:
            assert f.attrs["format"] == "uflow-weights"
            for k, v in ex.state_dict().items():
                assert np.array_equal(f[k][()], v.numpy()), k
    print("checked the conversion against the source modules")


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--out", help="checkpoint to write (.ckpt)")
    p.add_argument("--style", choices=("authors", "anomalib"), default="authors")
    p.add_argument("--perm", choices=("matrix", "index"), default="matrix")
    p.add_argument("--reference", help="also write features and latents (HDF5)")
    p.add_argument("--fixture", action="store_true",
                   help="write tests/fixtures/flow/ckpt_converted.h5 and ckpt_reference.h5")
    a = p.parse_args(argv)
    if not a.out and not a.fixture:
        p.error("give --out or --fixture")
    model = build_model()
    if a.out:
        torch.save(lightning_checkpoint(model, a.style, a.perm), a.out)
        print("wrote", a.out)
        if a.reference:
            write_reference(model, a.reference)
    if a.fixture:
        with tempfile.TemporaryDirectory() as tmp:
            for style, perm in (("authors", "matrix"), ("anomalib", "index")):
                ckpt = os.path.join(tmp, "%s_%s.ckpt" % (style, perm))
                torch.save(lightning_checkpoint(model, style, perm), ckpt)
                converted = os.path.join(tmp, "%s_%s.h5" % (style, perm))
                wdir = os.path.join(tmp, "w_" + style)
                info = export_uflow_ckpt.convert(ckpt, converted, wdir, log=lambda *_: None)
                check_conversion(model, converted, wdir, info["archs"])
            # Both sources convert to the same flow; the authors' one is kept.
            final = out_path("flow", "ckpt_converted.h5")
            export_uflow_ckpt.convert(os.path.join(tmp, "authors_matrix.ckpt"), final,
                                      os.path.join(tmp, "w_final"), weights_dir_attr="weights")
        write_reference(model, out_path("flow", "ckpt_reference.h5"))


if __name__ == "__main__":
    main()
