"""Writing helpers shared by the fixture scripts in tools/reference: fixture paths under
tests/fixtures, an h5py file written to <path>.tmp and renamed when complete, datasets stored
gzip-compressed above 16 KiB (HDF5 reads them transparently), and typed root attributes
(int -> int64, float -> float64, str -> variable-length string), so the C++ reader
(weights/hdf5_file.h) sees the same types whatever Python produced them."""
import contextlib
import os
import sys

import h5py
import numpy as np
import torch

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FIXTURES = os.path.join(ROOT, "tests", "fixtures")
FIXTURE_VERSION = 1
if os.path.join(ROOT, "tools") not in sys.path:
    sys.path.insert(0, os.path.join(ROOT, "tools"))


def out_path(*parts):
    path = os.path.join(FIXTURES, *parts)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    return path


def as_array(value, dtype=None):
    a = value.detach().cpu().numpy() if isinstance(value, torch.Tensor) else np.asarray(value)
    return a.astype(dtype) if dtype is not None else a


def attr_value(v):
    if isinstance(v, (bool, np.bool_)):
        return np.int64(v)
    if isinstance(v, (int, np.integer)):
        return np.int64(v)
    if isinstance(v, (float, np.floating)):
        return np.float64(v)
    if isinstance(v, str):
        return str(v)  # plain str: torch's version string is a str subclass h5py rejects
    a = np.asarray(v)
    if a.dtype.kind in "iub":
        return a.astype(np.int64)
    if a.dtype.kind == "f":
        return a.astype(np.float64)
    raise TypeError("unsupported attribute value %r" % (v,))


def set_attrs(f, **attrs):
    for k, v in attrs.items():
        f.attrs[k] = attr_value(v)


def put(f, name, value, dtype=None):
    """Dataset `name` ('/' makes groups); gzip with byte shuffling above 16 KiB."""
    a = as_array(value, dtype)
    opts = dict(compression="gzip", compression_opts=9, shuffle=True) if a.nbytes > 16384 else {}
    f.create_dataset(name, data=a, **opts)


@contextlib.contextmanager
def fixture_file(path, generator, **attrs):
    """Root attributes: version, generator (the script, relative to the repository), torch
    version and `attrs`."""
    tmp = path + ".tmp"
    try:
        with h5py.File(tmp, "w") as f:
            set_attrs(f, version=FIXTURE_VERSION, generator=os.path.relpath(generator, ROOT),
                      torch_version=str(torch.__version__), **attrs)
            yield f
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise
