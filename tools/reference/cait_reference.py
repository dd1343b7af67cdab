#!/usr/bin/env python3
"""CaiT and MS-CaiT fixtures for the layer parity tests, computed with timm's own Cait class
(timm 0.9.16) on small configurations with random weights:

    python3 tools/reference/cait_reference.py     # writes tests/fixtures/cait/*.h5

Every parameter is drawn at random (torch.Generator, fixed seeds) instead of timm's
initialisation, which would leave LayerNorms at identity, layer-scale gammas at 1e-5 and so
hide most paths. Outputs are computed twice: in float32 (the product's precision) and in float64
with the same weights (model.double()), for tight f64 parity. See tools/reference/README.md for
the dataset layout of each file.
"""
import copy

import numpy as np
import timm
import torch
import torch.nn.functional as F
from timm.models.cait import Cait

from fixture_io import fixture_file, out_path, put, set_attrs
from export_timm import write_weights

IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)

# Two single-model cases: two heads, and four heads so that talking-heads mixing really mixes.
CONFIGS = [
    dict(name="cait_d48_h2", img_size=64, embed_dim=48, depth=4, num_heads=2, tap=2, batch=2,
         depth_token_only=0, seed=11),
    dict(name="cait_d32_h4", img_size=48, embed_dim=32, depth=3, num_heads=4, tap=2, batch=1,
         depth_token_only=1, seed=12),
]
# The MS-CaiT pair: model 1 on the S×S image, model 2 on its bicubic resize to S/2.
MS_INPUT = 64
MS_MODELS = [
    dict(name="ms_cait_s0", img_size=MS_INPUT, embed_dim=32, depth=2, num_heads=2, tap=1,
         depth_token_only=0, seed=21),
    dict(name="ms_cait_s1", img_size=MS_INPUT // 2, embed_dim=24, depth=2, num_heads=2, tap=1,
         depth_token_only=0, seed=22),
]
MS_BATCH = 2
PATCH = 16
MLP_RATIO = 4.0
EPS = 1e-6
NUM_CLASSES = 5  # the class-attention stage is kept tiny: it is never run

# Weights whose gradients the single-model fixtures store (kept to the small ones; the tap
# block is filled in per configuration). proj_l.bias is left out: a per-head constant added to
# the logits cancels in the softmax, so its gradient is zero up to rounding.
GRAD_KEYS = [
    "patch_embed.proj.bias", "pos_embed",
    "blocks.0.norm1.weight", "blocks.0.attn.qkv.bias",
    "blocks.0.attn.proj_l.weight",
    "blocks.0.attn.proj_w.weight", "blocks.0.attn.proj_w.bias",
    "blocks.1.gamma_1", "blocks.1.gamma_2", "blocks.1.norm2.bias", "blocks.1.mlp.fc2.bias",
    "blocks.{tap}.attn.proj.weight", "blocks.{tap}.mlp.fc1.bias",
    "norm.weight", "norm.bias",
]


def build(cfg):
    torch.manual_seed(cfg["seed"])  # timm's own init, overwritten below
    model = Cait(img_size=cfg["img_size"], patch_size=PATCH, embed_dim=cfg["embed_dim"],
                 depth=cfg["depth"], num_heads=cfg["num_heads"], mlp_ratio=MLP_RATIO,
                 num_classes=NUM_CLASSES, depth_token_only=cfg["depth_token_only"])
    model.eval()
    randomize(model, torch.Generator().manual_seed(cfg["seed"]))
    return model


def randomize(model, gen):
    """Non-trivial values for every parameter, scaled so activations stay O(1)."""
    with torch.no_grad():
        for name, p in model.named_parameters():
            n = torch.randn(p.shape, generator=gen, dtype=torch.float64)
            u = torch.rand(p.shape, generator=gen, dtype=torch.float64)
            leaf = name.rsplit(".", 1)[-1]
            is_norm = ".norm" in name or name.startswith("norm")
            if leaf in ("gamma_1", "gamma_2"):
                value = 0.3 + 0.7 * u
            elif is_norm and leaf == "weight":
                value = 1.0 + 0.25 * n
            elif is_norm and leaf == "bias":
                value = 0.2 * n
            elif name in ("pos_embed", "cls_token"):
                value = 0.5 * n
            elif leaf == "weight":  # Linear (out, in), Conv (out, in, kh, kw)
                fan_in = int(np.prod(p.shape[1:]))
                value = n / fan_in ** 0.5
            else:  # biases
                value = 0.2 * n
            p.copy_(value.to(p.dtype))


def forward(model, image, tap):
    """Mirrors U-Flow's extractor: patch embedding + position embedding, blocks 0..depth-1
    (all recorded), features = final norm of the tokens after block `tap`, as (B, D, G, G)."""
    x = model.patch_embed(image) + model.pos_embed
    embed = x
    outputs = []
    features = None
    for i, block in enumerate(model.blocks):
        x = block(x)
        outputs.append(x)
        if i == tap:
            t = model.norm(x)
            b, n, d = t.shape
            g = int(round(n ** 0.5))
            features = t.permute(0, 2, 1).reshape(b, d, g, g)
    return embed, outputs, features


def smooth_image(gen, batch, size):
    """Values like a normalised image: a smooth random field plus fine noise."""
    coarse = torch.randn(batch, 3, size // 8, size // 8, generator=gen, dtype=torch.float64)
    field = F.interpolate(coarse, size=(size, size), mode="bilinear", align_corners=False)
    return (1.2 * field + 0.3 * torch.randn(batch, 3, size, size, generator=gen,
                                            dtype=torch.float64)).float()


def write_model_attrs(f, cfg, prefix=""):
    set_attrs(f, **{prefix + k: v for k, v in dict(
        img_size=cfg["img_size"], patch_size=PATCH, embed_dim=cfg["embed_dim"],
        depth=cfg["depth"], num_heads=cfg["num_heads"], mlp_ratio=MLP_RATIO, eps=EPS,
        depth_token_only=cfg["depth_token_only"], num_classes=NUM_CLASSES, tap=cfg["tap"]).items()})


def export(model, cfg):
    name = cfg["name"] + "_weights.h5"
    write_weights(out_path("cait", name), model.state_dict(), cfg["name"], cfg["img_size"],
                  IMAGENET_MEAN, IMAGENET_STD)
    return name


def single_model(cfg):
    model = build(cfg)
    weights_name = export(model, cfg)
    gen = torch.Generator().manual_seed(cfg["seed"] + 1000)
    image = smooth_image(gen, cfg["batch"], cfg["img_size"])
    grid = cfg["img_size"] // PATCH
    loss_weight = torch.randn(cfg["batch"], cfg["embed_dim"], grid, grid, generator=gen)
    keys = [k.format(tap=cfg["tap"]) for k in GRAD_KEYS]

    path = out_path("cait", cfg["name"] + ".h5")
    with fixture_file(path, __file__, timm_version=timm.__version__) as f:
        write_model_attrs(f, cfg)
        set_attrs(f, arch=cfg["name"], batch=cfg["batch"], weights_file=weights_name)
        put(f, "input", image)
        put(f, "loss_weight", loss_weight)
        for prefix, m, dtype in (("", model, torch.float32),
                                 ("f64/", copy.deepcopy(model).double(), torch.float64)):
            params = dict(m.named_parameters())
            x = image.detach().clone().to(dtype).requires_grad_(True)
            embed, outputs, features = forward(m, x, cfg["tap"])
            loss = (features * loss_weight.to(dtype)).sum()
            loss.backward()
            put(f, prefix + "embed", embed)
            for i, o in enumerate(outputs):
                put(f, prefix + "blocks/%d" % i, o)
            put(f, prefix + "features", features)
            put(f, prefix + "loss", loss)
            put(f, prefix + "grad/input", x.grad)
            for k in keys:
                put(f, prefix + "grad/" + k, params[k].grad)
    print("wrote", path)


def ms_cait():
    models = [build(cfg) for cfg in MS_MODELS]
    names = [export(m, cfg) for m, cfg in zip(models, MS_MODELS)]
    gen = torch.Generator().manual_seed(31)
    image = smooth_image(gen, MS_BATCH, MS_INPUT)
    path = out_path("cait", "ms_cait.h5")
    with fixture_file(path, __file__, timm_version=timm.__version__) as f:
        set_attrs(f, input_size=MS_INPUT, batch=MS_BATCH, scales=len(MS_MODELS))
        for s, (cfg, name) in enumerate(zip(MS_MODELS, names)):
            write_model_attrs(f, cfg, prefix="s%d_" % s)
            set_attrs(f, **{"s%d_weights_file" % s: name, "s%d_arch" % s: cfg["name"]})
        put(f, "image", image)
        for prefix, dtype in (("", torch.float32), ("f64/", torch.float64)):
            x = image.to(dtype)
            ms = [copy.deepcopy(m).to(dtype) for m in models]
            with torch.no_grad():
                # The second scale sees the normalised image resized as the reference does.
                resized = F.interpolate(x, size=(MS_MODELS[1]["img_size"],) * 2, mode="bicubic",
                                        align_corners=True)
                put(f, prefix + "resized", resized)
                for s, (m, cfg, inp) in enumerate(zip(ms, MS_MODELS, (x, resized))):
                    put(f, prefix + "features/%d" % s, forward(m, inp, cfg["tap"])[2])
    print("wrote", path)


def main():
    torch.use_deterministic_algorithms(True)
    for cfg in CONFIGS:
        single_model(cfg)
    ms_cait()


if __name__ == "__main__":
    main()
