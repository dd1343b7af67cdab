#!/usr/bin/env python3
"""Writes a full-size random CaiT as a Hugging Face Hub timm page holds it, for measuring
`uflow import` on real shapes without downloading (cait_m48_448: about 1.4 GB):

    python3 tools/make_random_cait_safetensors.py --model cait_m48_448 --out /tmp/m48
    /usr/bin/time -v build/uflow import /tmp/m48/model.safetensors --out /tmp/m48.h5

Writes <out>/model.safetensors (timm's random initialisation, pretrained=False), and
<out>/config.json (timm's save_config_for_hf) so the import finds arch, mean and std as it
does for a downloaded model. --bin also writes <out>/pytorch_model.bin (torch.save).
"""
import argparse
import os
import pathlib

import safetensors.torch
import timm
import torch
from timm.models._hub import save_config_for_hf


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--model", default="cait_m48_448")
    p.add_argument("--out", required=True, help="folder to write")
    p.add_argument("--bin", action="store_true", help="also write pytorch_model.bin")
    a = p.parse_args()
    os.makedirs(a.out, exist_ok=True)
    model = timm.create_model(a.model, pretrained=False)
    state = {k: v.contiguous() for k, v in model.state_dict().items()}
    safetensors.torch.save_file(state, os.path.join(a.out, "model.safetensors"))
    save_config_for_hf(model, pathlib.Path(a.out) / "config.json")
    if a.bin:
        torch.save(model.state_dict(), os.path.join(a.out, "pytorch_model.bin"))
    n = sum(v.numel() for v in state.values())
    print(f"wrote {a.out}: {a.model}, {len(state)} tensors, {n:,} values")


if __name__ == "__main__":
    main()
