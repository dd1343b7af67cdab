#!/usr/bin/env python3
"""Writes the fixtures of `uflow import` (tests/weights/test_import_*.cpp) into
tests/fixtures/import/: source files as PyTorch, safetensors and timm write them, and next to
each the uflow file the Python exporters make of it, which the import must equal dataset for
dataset:

    python3 tools/reference/make_import_fixtures.py

hub/ — a small random CaiT as a Hugging Face Hub timm model page holds one:
  model.safetensors (safetensors.torch.save_file), pytorch_model.bin (torch.save of the
  state_dict) and config.json (timm's save_config_for_hf; architecture "cait_tiny_test",
  input 32, mean 0.5 and std 0.25 so that reading them is visible); expected.h5: the state
  dict written by tools/export_timm.py's write_weights with those attributes.
dtypes/ — mixed.safetensors: F16, BF16, F64, F32, I64 tensors, and expected.h5 (arch "mixed",
  input 8, ImageNet mean/std; every tensor as float32: bfloat16 through torch's .float(),
  since numpy has no bfloat16).
views/ — views.pth: {"state_dict": ..., "meta": objects of unknown classes} where the state
  dict holds a transposed (non-contiguous) tensor, two tensors viewing one storage at
  different offsets, a strided slice, float16, bfloat16, float64 and int64 tensors;
  expected.h5 as for dtypes (arch "views", input 8).
uflow/ — lightning.ckpt: a Lightning-style checkpoint of the reference U-Flow
  (tools/reference/make_fake_ckpt.py's model, anomalib's layout) whose hyper_parameters is an
  AttributeDict-like dict subclass (affine_clamp 1.5) and which carries an argparse.Namespace
  and a callback state object; expected.h5 and weights/<arch>.h5: what
  tools/export_uflow_ckpt.py writes of it (with --trust-pickle, which these objects need
  there; weights_dir recorded as "weights").
bad/ — malformed archives: opcode.pth (a data.pkl in the text protocol 0, opcode INT),
  huge_entry.pth (the central directory and local header claim 2^32-2 bytes for a storage),
  not_a_tensor.pth (a tensor rebuilt from an object instead of a storage).
"""
import argparse
import collections
import io
import os
import pathlib
import pickle
import shutil
import struct
import sys
import zipfile

import numpy as np
import safetensors.torch
import torch
from timm.models._hub import save_config_for_hf
from timm.models.cait import Cait

from fixture_io import ROOT, out_path

sys.path.insert(0, os.path.join(ROOT, "tools"))
import export_timm  # noqa: E402
import export_uflow_ckpt  # noqa: E402
import make_fake_ckpt  # noqa: E402

SEED = 11
IMAGENET = (export_timm.IMAGENET_MEAN, export_timm.IMAGENET_STD)


class AttributeDict(dict):
    """What Lightning stores hyper-parameters in: a dict subclass (pickled by class name)."""


class CallbackState:
    def __init__(self):
        self.best_score = 0.93
        self.monitor = "pixel_AUROC"


def hub():
    torch.manual_seed(SEED)
    model = Cait(img_size=32, patch_size=16, embed_dim=16, depth=2, num_heads=2, num_classes=5)
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(torch.randn(p.shape))
    model.pretrained_cfg = dict(architecture="cait_tiny_test", input_size=(3, 32, 32),
                                mean=(0.5, 0.5, 0.5), std=(0.25, 0.25, 0.25),
                                interpolation="bicubic", crop_pct=1.0, num_classes=5)
    state = model.state_dict()
    d = out_path("import", "hub", "x")[:-2]
    safetensors.torch.save_file({k: v.contiguous() for k, v in state.items()},
                                os.path.join(d, "model.safetensors"))
    torch.save(state, os.path.join(d, "pytorch_model.bin"))
    save_config_for_hf(model, pathlib.Path(d) / "config.json")
    export_timm.write_weights(os.path.join(d, "expected.h5"), state, "cait_tiny_test", 32,
                              (0.5, 0.5, 0.5), (0.25, 0.25, 0.25))


def as_float32(state):
    """write_weights' float32 conversion, with bfloat16 (unknown to numpy) widened by torch."""
    return {k: (v.float() if v.dtype == torch.bfloat16 else v) for k, v in state.items()}


def dtypes():
    g = torch.Generator().manual_seed(SEED)
    state = collections.OrderedDict(
        half=torch.randn(3, 5, generator=g).half(),
        bfloat=torch.randn(4, 2, generator=g).bfloat16(),
        double=torch.randn(2, 3, 2, generator=g, dtype=torch.float64),
        single=torch.randn(7, generator=g),
        index=torch.arange(-3, 6, dtype=torch.int64),
        scalar=torch.tensor(2.5),
    )
    # Values only half precision can hold: subnormals, infinity-free extremes, signed zero.
    state["half_edges"] = torch.tensor([6.1e-5, 5.96e-8, -0.0, 65504.0, -65504.0, 1e-6],
                                       dtype=torch.float16)
    d = out_path("import", "dtypes", "x")[:-2]
    safetensors.torch.save_file(state, os.path.join(d, "mixed.safetensors"),
                                metadata={"format": "pt"})
    export_timm.write_weights(os.path.join(d, "expected.h5"), as_float32(state), "mixed", 8,
                              *IMAGENET)


def views():
    g = torch.Generator().manual_seed(SEED)
    base = torch.randn(6, 10, generator=g)
    flat = torch.randn(40, generator=g)
    state = collections.OrderedDict(
        transposed=base.t(),                     # (10, 6), strides (1, 10)
        first=flat[:12].view(3, 4),              # two views of one storage
        second=flat[20:36].view(4, 4),           # ... at offset 20
        sliced=base[1:5, ::3],                   # offset 10, strides (10, 3)
        half=torch.randn(4, 6, generator=g).half().t(),
        bfloat=torch.randn(5, generator=g).bfloat16(),
        double=torch.randn(3, 3, generator=g, dtype=torch.float64),
        count=torch.tensor(17, dtype=torch.int64),
    )
    assert state["first"].untyped_storage().data_ptr() == state["second"].untyped_storage().data_ptr()
    d = out_path("import", "views", "x")[:-2]
    ckpt = {"state_dict": state, "meta": {"callback": CallbackState(),
                                          "args": argparse.Namespace(lr=0.1, tag="x"),
                                          "step": 3, "ratio": 0.5, "flags": (True, None)}}
    torch.save(ckpt, os.path.join(d, "views.pth"))
    export_timm.write_weights(os.path.join(d, "expected.h5"), as_float32(state), "views", 8,
                              *IMAGENET)


def uflow():
    model = make_fake_ckpt.build_model()
    ckpt = make_fake_ckpt.lightning_checkpoint(model, "anomalib", "index")
    hp = AttributeDict(ckpt["hyper_parameters"])
    hp["affine_clamp"] = 1.5
    ckpt["hyper_parameters"] = hp
    ckpt["hparams_namespace"] = argparse.Namespace(backbone="mcait", flow_steps=4)
    ckpt["callbacks"] = {"ModelCheckpoint": CallbackState()}
    d = out_path("import", "uflow", "x")[:-2]
    path = os.path.join(d, "lightning.ckpt")
    torch.save(ckpt, path)
    wdir = os.path.join(d, "weights")
    shutil.rmtree(wdir, ignore_errors=True)
    export_uflow_ckpt.convert(path, os.path.join(d, "expected.h5"), wdir, trust_pickle=True,
                              log=lambda *_: None, weights_dir_attr="weights")


def zip_with(path, entries):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as z:
        for name, data in entries:
            z.writestr(name, data)


def bad():
    d = out_path("import", "bad", "x")[:-2]
    zip_with(os.path.join(d, "opcode.pth"),
             [("opcode/data.pkl", pickle.dumps({"a": 1}, protocol=0)),
              ("opcode/byteorder", b"little")])
    # A valid checkpoint whose storage entry then claims 2^32 - 2 bytes in both headers.
    buf = io.BytesIO()
    torch.save({"w": torch.ones(4)}, buf)
    raw = bytearray(buf.getvalue())
    with zipfile.ZipFile(io.BytesIO(bytes(raw))) as z:
        info = z.getinfo("archive/data/0")
    huge = 0xFFFFFFFE
    # local header: sizes at +18 (compressed) and +22 (uncompressed)
    lh = info.header_offset
    assert raw[lh:lh + 4] == b"PK\x03\x04"
    struct.pack_into("<II", raw, lh + 18, huge, huge)
    # central directory record of the entry: sizes at +20 and +24
    name = info.filename.encode()
    cd = raw.rfind(b"PK\x01\x02", 0, len(raw))
    while raw[cd + 46:cd + 46 + len(name)] != name:
        cd = raw.rfind(b"PK\x01\x02", 0, cd)
    struct.pack_into("<II", raw, cd + 20, huge, huge)
    with open(os.path.join(d, "huge_entry.pth"), "wb") as f:
        f.write(raw)
    # _rebuild_tensor_v2 called on an object where the storage must be.
    proto = b"\x80\x02}q\x00X\x01\x00\x00\x00wq\x01ctorch._utils\n_rebuild_tensor_v2\nq\x02(" \
            b"cbuiltins\nobject\n)Rq\x03K\x00K\x02\x85K\x01\x85\x89ctorch\nSize\n)Rtq\x04Rq\x05s."
    zip_with(os.path.join(d, "not_a_tensor.pth"),
             [("bad/data.pkl", proto), ("bad/byteorder", b"little")])


def main():
    hub()
    dtypes()
    views()
    uflow()
    bad()
    print("wrote", os.path.join(ROOT, "tests", "fixtures", "import"))


if __name__ == "__main__":
    main()
