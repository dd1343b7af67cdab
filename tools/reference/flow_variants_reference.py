#!/usr/bin/env python3
"""AllInOneBlock fixtures for the options U-Flow itself does not use but the block supports:
the SIGMOID and EXP global affine activations and the soft permutation (a random rotation),
computed with FrEIA 0.2:

    python3 tools/reference/flow_variants_reference.py   # writes tests/fixtures/flow/aio_*.h5

The files have exactly the layout of the single-block fixtures of make_flow_fixtures.py
(aio_k3.h5, aio_k1.h5), so one reader serves all of them; see tools/reference/README.md. The
soft-permutation file has soft_perm (C, C) instead of perm.
"""
import copy
from importlib.metadata import version

import numpy as np
import torch
import torch.nn as nn
from FrEIA import modules as fm

from fixture_io import fixture_file, out_path, put, set_attrs

CLAMP = 2.0
LOGDET_WEIGHT = 0.7  # c in L = sum(y * R) + c * sum(log_det), as in the other block fixtures

VARIANTS = [
    dict(name="aio_sigmoid", channels=5, height=4, width=3, kernel=3, affine="SIGMOID", seed=301),
    dict(name="aio_exp", channels=7, height=3, width=4, kernel=1, affine="EXP", seed=302),
    dict(name="aio_soft", channels=6, height=3, width=3, kernel=3, affine="SOFTPLUS", seed=303,
         soft=True),
]


def subnet_constructor(kernel):
    def make(c_in, c_out):
        return nn.Sequential(nn.Conv2d(c_in, c_in, kernel, padding="same"), nn.ReLU(),
                             nn.Conv2d(c_in, c_out, kernel, padding="same"))
    return make


def randomize(block, gen):
    """Every trainable parameter away from its initial value; subnet gains large enough for
    the tanh clamp to bend."""
    with torch.no_grad():
        n = lambda t, s: s * torch.randn(t.shape, generator=gen, dtype=torch.float64)  # noqa
        block.global_scale.add_(n(block.global_scale, 0.6).to(block.global_scale.dtype))
        block.global_offset.copy_(n(block.global_offset, 0.3))
        for idx, gain in ((0, 2.0), (2, 8.0)):
            conv = block.subnet[idx]
            conv.weight.copy_(n(conv.weight, gain / conv.weight[0].numel() ** 0.5))
            conv.bias.copy_(n(conv.bias, 0.3))


def permutation_of(block):
    w = block.w_perm.detach().reshape(block.w_perm.shape[0], -1)
    perm = torch.argmax(w, dim=1)
    assert torch.equal(w.sum(1), torch.ones(len(perm))) and torch.equal(w.sum(0),
                                                                         torch.ones(len(perm)))
    assert torch.equal(w[torch.arange(len(perm)), perm], torch.ones(len(perm)))
    return perm.to(torch.int64)


def variant(cfg):
    torch.manual_seed(cfg["seed"])
    np.random.seed(cfg["seed"])  # FrEIA draws the permutation / rotation with numpy and scipy
    c, h, w = cfg["channels"], cfg["height"], cfg["width"]
    soft = cfg.get("soft", False)
    block = fm.AllInOneBlock([(c, h, w)], subnet_constructor=subnet_constructor(cfg["kernel"]),
                             affine_clamping=CLAMP, global_affine_type=cfg["affine"],
                             permute_soft=soft)
    gen = torch.Generator().manual_seed(cfg["seed"])
    randomize(block, gen)
    batch = 2
    x = torch.randn(batch, c, h, w, generator=gen)
    r = torch.randn(batch, c, h, w, generator=gen)
    y_in = torch.randn(batch, c, h, w, generator=gen)
    trainable = lambda m: [(k, p) for k, p in m.named_parameters() if p.requires_grad]  # noqa

    path = out_path("flow", cfg["name"] + ".h5")
    with fixture_file(path, __file__, freia_version=version("FrEIA")) as f:
        set_attrs(f, channels=c, height=h, width=w, kernel=cfg["kernel"], batch=batch,
                  clamp=CLAMP, hidden_ratio=1.0, logdet_weight=LOGDET_WEIGHT,
                  global_affine_type=cfg["affine"], soft_permutation=soft)
        put(f, "input", x)
        put(f, "R", r)
        put(f, "inverse_input", y_in)
        for k, p in trainable(block):
            put(f, "params/" + k, p)
        if soft:
            put(f, "soft_perm", block.w_perm.detach().reshape(c, c))
        else:
            f.create_dataset("perm", data=permutation_of(block).numpy())
        for prefix, dtype in (("f32/", torch.float32), ("f64/", torch.float64)):
            b = copy.deepcopy(block).to(dtype)
            xi = x.to(dtype).clone().requires_grad_(True)
            (y,), log_det = b([xi])
            loss = (y * r.to(dtype)).sum() + LOGDET_WEIGHT * log_det.sum()
            loss.backward()
            with torch.no_grad():
                (x_back,), _ = b([y], rev=True)
                assert torch.allclose(x_back, xi, atol=1e-4 if dtype == torch.float32 else 1e-10)
                (inv,), inv_log_det = b([y_in.to(dtype)], rev=True)
            put(f, prefix + "output", y)
            put(f, prefix + "log_det", log_det)
            put(f, prefix + "loss", loss)
            put(f, prefix + "inverse", inv)
            put(f, prefix + "inverse_log_det", inv_log_det)
            put(f, prefix + "grad/input", xi.grad)
            for k, p in trainable(b):
                put(f, prefix + "grad/" + k, p.grad)
    print("wrote", path)


def main():
    torch.use_deterministic_algorithms(True)
    for cfg in VARIANTS:
        variant(cfg)


if __name__ == "__main__":
    main()
