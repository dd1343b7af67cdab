#!/usr/bin/env python3
"""Key/shape manifests of timm's CaiT variants (names and shapes only, no weights), so the C++
module trees can be checked against the real models key by key:

    python3 tools/reference/manifest_reference.py   # writes tests/fixtures/manifest/<arch>.h5

The models are built with pretrained=False on PyTorch's "meta" device: shapes without memory or
initialisation, so even cait_m48_448 (356,460,520 parameters) takes a moment.
"""
import numpy as np
import timm
import torch

from fixture_io import fixture_file, out_path, put, set_attrs

ARCHS = timm.list_models("cait_*")  # the ten variants timm 0.9.16 registers


def manifest(arch):
    with torch.device("meta"):
        model = timm.create_model(arch, pretrained=False)
    state = model.state_dict()
    lines = ["%s %s" % (k, ",".join(str(d) for d in v.shape)) for k, v in state.items()]
    text = ("\n".join(lines) + "\n").encode("ascii")
    cfg = model.pretrained_cfg
    block = model.blocks[0]
    path = out_path("manifest", arch + ".h5")
    with fixture_file(path, __file__, timm_version=timm.__version__) as f:
        set_attrs(f, arch=arch, num_keys=len(state),
                  num_params=int(sum(v.numel() for v in state.values())),
                  input_size=int(cfg["input_size"][-1]),
                  patch_size=int(model.patch_embed.proj.kernel_size[0]),
                  embed_dim=int(model.embed_dim), depth=len(model.blocks),
                  num_heads=int(block.attn.num_heads),
                  mlp_hidden=int(block.mlp.fc1.out_features),
                  depth_token_only=len(model.blocks_token_only),
                  num_classes=int(model.num_classes), eps=float(model.norm.eps),
                  mean=list(cfg["mean"]), std=list(cfg["std"]))
        put(f, "manifest", np.frombuffer(text, dtype=np.uint8))
    print("wrote %s: %d keys, %d parameters" % (path, len(state),
                                               sum(v.numel() for v in state.values())))


def main():
    for arch in ARCHS:
        manifest(arch)


if __name__ == "__main__":
    main()
