#!/usr/bin/env python3
"""Flow fixtures for tests/flow/test_flow_parity.cpp and tests/layers/test_adam.cpp, computed
with FrEIA 0.2 (the coupling math of the FrEIA commit U-Flow pins) and torch.optim.Adam:

    python3 tools/reference/make_flow_fixtures.py    # writes tests/fixtures/flow/*.h5

1. Single AllInOneBlocks configured as U-Flow configures them (subnet Conv k 'same' -> ReLU ->
   Conv k, hidden ratio 1, affine_clamping 2.0, SOFTPLUS global affine, hard permutation) with
   an odd channel count, for k = 3 and k = 1: forward output and log-det, the inverse of a
   separate input, and the gradients of L = sum(y * R) + c * sum(log_det) with respect to the
   input and every parameter.
2. Whole U-shaped flows at reduced sizes, built as the reference builds its GraphINN (coarse
   to fine: 4 blocks with kernels 3,1,3,1, split V//8*4 channels up, IRevNetUpsampling,
   concat after the finer features): latents per scale, log_det, the NLL loss
   mean_b[sum_s 0.5 sum z^2 - log_det] and its gradient for every trainable parameter, plus the
   inverse of separately drawn latents. Parameter datasets are named exactly as the GraphINN's
   state_dict names them ("module_list.7.subnet.0.weight"); the permutation of block n is
   stored as an index vector perm/module_list.n with y[:, o] = v[:, perm[o]], read from w_perm.
3. Adam (betas 0.9/0.999, eps 1e-8, coupled weight decay) over three steps with given
   gradients, and the LinearLR factors of the reference's scheduler.

Every parameter is redrawn at random (fixed seeds) so that no path sits at its initial value:
global_scale around its initial value with one channel past softplus's linear threshold, offsets
non-zero, subnet weights large enough for the tanh clamp to bend. Values are computed in float32
and again in float64 with the same (float32-representable) inputs and parameters.
"""
import copy
import os
import sys

import numpy as np
import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fixture_io import fixture_file, out_path, put, set_attrs  # noqa: E402

from importlib.metadata import version  # noqa: E402
import FrEIA.framework as ff  # noqa: E402
import FrEIA.modules as fm  # noqa: E402

CLAMP = 2.0
LOGDET_WEIGHT = 0.7  # c in L = sum(y * R) + c * sum(log_det)


def subnet_factory(kernel):
    def make(c_in, c_out):
        return nn.Sequential(nn.Conv2d(c_in, c_in, kernel, padding="same"), nn.ReLU(),
                             nn.Conv2d(c_in, c_out, kernel, padding="same"))
    return make


def block_args(kernel):
    return dict(subnet_constructor=subnet_factory(kernel), affine_clamping=CLAMP,
                permute_soft=False)


def randomize_block(block, gen, gain1, gain2, scale_spread, offset_spread, big_channel):
    """Redraws every trainable parameter of one AllInOneBlock."""
    with torch.no_grad():
        g0 = float(block.global_scale.flatten()[0])  # FrEIA's initial value (S = 1)
        c = block.global_scale.numel()
        gs = g0 + scale_spread * torch.randn(c, generator=gen, dtype=torch.float64)
        if big_channel is not None:
            gs[big_channel % c] = 45.0  # 0.5 * g > 20: softplus's linear branch
        block.global_scale.copy_(gs.reshape(block.global_scale.shape))
        block.global_offset.copy_(offset_spread * torch.randn(block.global_offset.shape,
                                                              generator=gen, dtype=torch.float64))
        for idx, gain in ((0, gain1), (2, gain2)):
            conv = block.subnet[idx]
            fan_in = conv.weight[0].numel()
            conv.weight.copy_(gain / fan_in ** 0.5 *
                              torch.randn(conv.weight.shape, generator=gen, dtype=torch.float64))
            conv.bias.copy_(0.3 * torch.randn(conv.bias.shape, generator=gen, dtype=torch.float64))


def permutation_of(block):
    w = block.w_perm.detach().reshape(block.w_perm.shape[0], -1)
    perm = torch.argmax(w, dim=1)
    assert torch.equal(w[torch.arange(len(perm)), perm], torch.ones(len(perm))), "not 0/1"
    assert torch.equal(w.sum(1), torch.ones(len(perm))), "not a permutation matrix"
    return perm.to(torch.int64)


def trainable(module):
    return [(k, p) for k, p in module.named_parameters() if p.requires_grad]


# ----------------------------------------------------------------------------------------------
# 1. Single blocks


def single_block(name, channels, height, width, kernel, seed):
    torch.manual_seed(seed)
    np.random.seed(seed)  # FrEIA draws the permutation with numpy
    block = fm.AllInOneBlock([(channels, height, width)], **block_args(kernel))
    gen = torch.Generator().manual_seed(seed)
    randomize_block(block, gen, gain1=2.0, gain2=8.0, scale_spread=1.5, offset_spread=0.3,
                    big_channel=1)
    batch = 2
    x = torch.randn(batch, channels, height, width, generator=gen).float()
    r = torch.randn(batch, channels, height, width, generator=gen).float()
    y_in = torch.randn(batch, channels, height, width, generator=gen).float()
    block = block.float()

    path = out_path("flow", name + ".h5")
    with fixture_file(path, __file__, freia_version=version("FrEIA")) as f:
        set_attrs(f, channels=channels, height=height, width=width, kernel=kernel, batch=batch,
                  clamp=CLAMP, hidden_ratio=1.0, logdet_weight=LOGDET_WEIGHT)
        put(f, "input", x)
        put(f, "R", r)
        put(f, "inverse_input", y_in)
        for k, p in trainable(block):
            put(f, "params/" + k, p)
        f.create_dataset("perm", data=permutation_of(block).numpy())
        for prefix, dtype in (("f32/", torch.float32), ("f64/", torch.float64)):
            b = copy.deepcopy(block).to(dtype)
            xi = x.detach().to(dtype).clone().requires_grad_(True)
            (y,), log_det = b([xi])
            loss = (y * r.to(dtype)).sum() + LOGDET_WEIGHT * log_det.sum()
            loss.backward()
            with torch.no_grad():
                (x_back,), inv_log_det = b([y_in.to(dtype)], rev=True)
            put(f, prefix + "output", y)
            put(f, prefix + "log_det", log_det)
            put(f, prefix + "loss", loss)
            put(f, prefix + "inverse", x_back)
            put(f, prefix + "inverse_log_det", inv_log_det)
            put(f, prefix + "grad/input", xi.grad)
            for k, p in trainable(b):
                put(f, prefix + "grad/" + k, p.grad)
            s = 0.1 * b.subnet(xi.detach()[:, :channels - channels // 2])
            print("  %s %s: |a| max %.2f, |a_s| > 1.5 (tanh flat) for %.0f%%" % (
                name, prefix[:-1], float(s.abs().max()),
                100 * float((s[:, :channels // 2].abs() > 1.5).double().mean())))
    print("wrote", path)


# ----------------------------------------------------------------------------------------------
# 2. Whole U-flows


def build_uflow(feature_shapes, steps=4):
    """The reference graph: coarse to fine, features finest first."""
    inputs = [ff.InputNode(*s, name="features_%d" % i) for i, s in enumerate(feature_shapes)]
    nodes, outputs = [], []

    def stage(node, tag):
        out = []
        for j in range(steps):
            node = ff.Node(node, fm.AllInOneBlock, block_args(3 if j % 2 == 0 else 1),
                           name="%s_step%d" % (tag, j))
            out.append(node)
        return out

    last = inputs[-1]
    for i in reversed(range(1, len(inputs))):
        flows = stage(last, "scale%d" % i)
        v = flows[-1].output_dims[0][0]
        up_channels = v // 8 * 4
        split = ff.Node(flows[-1], fm.Split,
                        {"section_sizes": (up_channels, v - up_channels), "dim": 0},
                        name="split_%d" % i)
        outputs.append(ff.OutputNode(split.out1, name="z_%d" % i))
        up = ff.Node(split.out0, fm.IRevNetUpsampling, {}, name="up_%d" % i)
        last = ff.Node([inputs[i - 1].out0, up.out0], fm.Concat, {"dim": 0}, name="cat_%d" % i)
        nodes.extend([*flows, split, up, last])
    flows = stage(last, "scale0")
    outputs.append(ff.OutputNode(flows[-1], name="z_0"))
    nodes.extend(flows)
    return ff.GraphINN(inputs + nodes + outputs[::-1])


def nll(z, log_det):
    quad = torch.stack([0.5 * (zi ** 2).sum(dim=(1, 2, 3)) for zi in z]).sum(0)
    return (quad - log_det).mean()


def uflow_case(name, feature_shapes, seed, batch=2):
    torch.manual_seed(seed)
    np.random.seed(seed)
    graph = build_uflow(feature_shapes)
    gen = torch.Generator().manual_seed(seed)
    blocks = [(n, m) for n, m in graph.module_list.named_children()
              if isinstance(m, fm.AllInOneBlock)]
    for i, (_, m) in enumerate(blocks):
        randomize_block(m, gen, gain1=1.0, gain2=2.0, scale_spread=0.6, offset_spread=0.2,
                        big_channel=i if i == len(blocks) - 1 else None)
    graph = graph.float()
    feats = [torch.randn(batch, *s, generator=gen).float() for s in feature_shapes]
    with torch.no_grad():
        latent_shapes = [tuple(z.shape[1:]) for z in graph(feats)[0]]
    z_in = [torch.randn(batch, *s, generator=gen).float() for s in latent_shapes]

    path = out_path("flow", name + ".h5")
    with fixture_file(path, __file__, freia_version=version("FrEIA")) as f:
        set_attrs(f, scales=len(feature_shapes), steps=4, kernels=[3, 1], batch=batch,
                  clamp=CLAMP, features=np.asarray(feature_shapes, dtype=np.int64).reshape(-1),
                  latents=np.asarray(latent_shapes, dtype=np.int64).reshape(-1))
        for s, x in enumerate(feats):
            put(f, "features/%d" % s, x)
        for s, z in enumerate(z_in):
            put(f, "inverse_input/%d" % s, z)
        for k, p in trainable(graph):
            put(f, "params/" + k, p)
        for n, m in blocks:
            f.create_dataset("perm/module_list." + n, data=permutation_of(m).numpy())
        f.create_dataset("state_dict_keys", data=np.array(list(graph.state_dict().keys()),
                                                          dtype=h5py_str()))
        # Expected values in float64 only (a float32 result is checked against them with a
        # float32 tolerance), which keeps the file small.
        for prefix, dtype in (("f64/", torch.float64),):
            g = copy.deepcopy(graph).to(dtype)
            z, log_det = g([x.to(dtype) for x in feats])
            loss = nll(z, log_det)
            loss.backward()
            with torch.no_grad():
                back, inv_log_det = g([zz.to(dtype) for zz in z_in], rev=True)
            for s, zs in enumerate(z):
                put(f, prefix + "z/%d" % s, zs)
            put(f, prefix + "log_det", log_det)
            put(f, prefix + "loss", loss)
            for s, xs in enumerate(back):
                put(f, prefix + "inverse/%d" % s, xs)
            put(f, prefix + "inverse_log_det", inv_log_det)
            for k, p in trainable(g):
                put(f, prefix + "grad/" + k, p.grad)
            print("  %s %s: loss %.6g, |z| max %.3g" % (
                name, prefix[:-1], float(loss), max(float(zz.abs().max()) for zz in z)))
    print("wrote", path)


def h5py_str():
    import h5py
    return h5py.string_dtype()


# ----------------------------------------------------------------------------------------------
# 3. Adam and the learning-rate schedule


def adam_case(f, prefix, dtype, lr, weight_decay, seed):
    """Three parameters, flattened and concatenated in the datasets: init (n,), grad (3, n) per
    step, param (3, n) after each step, exp_avg and exp_avg_sq (n,) after the last step."""
    gen = torch.Generator().manual_seed(seed)
    shapes = [(3, 4), (5,), (1, 2, 1, 1)]
    # Parameters of a few tens so that the coupled weight decay visibly changes the gradient.
    init = [(20.0 * torch.randn(s, generator=gen, dtype=torch.float64)).to(dtype)
            for s in shapes]
    grads = [[torch.randn(s, generator=gen, dtype=torch.float64).to(dtype) for s in shapes]
             for _ in range(3)]
    params = [nn.Parameter(p.clone()) for p in init]
    opt = torch.optim.Adam(params, lr=lr, betas=(0.9, 0.999), eps=1e-8,
                           weight_decay=weight_decay)
    flat = lambda ts: torch.cat([t.detach().reshape(-1) for t in ts])  # noqa: E731
    after = []
    for gs in grads:
        for p, g in zip(params, gs):
            p.grad = g.clone()
        opt.step()
        after.append(flat(params))
    set_attrs(f, **{prefix + "lr": lr, prefix + "weight_decay": weight_decay,
                    prefix + "shapes": [d for s in shapes for d in (len(s),) + s]})
    put(f, prefix + "init", flat(init))
    put(f, prefix + "grad", torch.stack([flat(gs) for gs in grads]))
    put(f, prefix + "param", torch.stack(after))
    put(f, prefix + "exp_avg", flat([opt.state[p]["exp_avg"] for p in params]))
    put(f, prefix + "exp_avg_sq", flat([opt.state[p]["exp_avg_sq"] for p in params]))


def adam_fixture():
    path = out_path("flow", "adam.h5")
    with fixture_file(path, __file__) as f:
        adam_case(f, "f64/", torch.float64, lr=1e-2, weight_decay=1e-5, seed=5)
        adam_case(f, "f32/", torch.float32, lr=1e-2, weight_decay=1e-5, seed=6)
        adam_case(f, "f64_wd/", torch.float64, lr=3e-3, weight_decay=0.05, seed=7)
        # The reference's scheduler: LinearLR(start_factor 1, end_factor 0.4, total 25000),
        # stepped per epoch; lr / lr0 after n scheduler steps.
        p = nn.Parameter(torch.zeros(1, dtype=torch.float64))
        opt = torch.optim.SGD([p], lr=1.0)
        sched = torch.optim.lr_scheduler.LinearLR(opt, start_factor=1.0, end_factor=0.4,
                                                  total_iters=25000)
        epochs = [0, 1, 2, 10, 1000, 12500, 24999, 25000, 25001, 30000]
        factors = []
        for n in range(max(epochs) + 1):
            if n in epochs:
                factors.append(opt.param_groups[0]["lr"])
            opt.step()
            sched.step()
        f.create_dataset("lr_epochs", data=np.asarray(epochs, dtype=np.int64))
        f.create_dataset("lr_factors", data=np.asarray(factors, dtype=np.float64))
    print("wrote", path)


def main():
    torch.use_deterministic_algorithms(True)
    single_block("aio_k3", channels=7, height=5, width=6, kernel=3, seed=101)
    single_block("aio_k1", channels=9, height=4, width=3, kernel=1, seed=102)
    uflow_case("uflow_2scale", [(48, 16, 16), (24, 8, 8)], seed=201, batch=1)
    uflow_case("uflow_3scale", [(16, 8, 8), (16, 4, 4), (8, 2, 2)], seed=202)
    adam_fixture()


if __name__ == "__main__":
    main()
