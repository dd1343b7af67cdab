"""Shared helpers of the fixture scripts in tools/reference: where fixtures go, the common
attributes, and an atomic h5py writer. Large datasets are stored gzip-compressed (HDF5 reads
them transparently); small ones contiguously."""
import contextlib
import os
import sys

import h5py
import numpy as np
import torch

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FIXTURES = os.path.join(ROOT, "tests", "fixtures")
FIXTURE_VERSION = 1
sys.path.insert(0, os.path.join(ROOT, "tools"))


def out_path(*parts):
    path = os.path.join(FIXTURES, *parts)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    return path


def to_numpy(value):
    if isinstance(value, torch.Tensor):
        return value.detach().cpu().numpy()
    return np.asarray(value)


@contextlib.contextmanager
def fixture_file(path, generator, **versions):
    """An h5py file written to <path>.tmp and renamed on success, with attributes version,
    generator and the versions of the libraries that produced it."""
    tmp = path + ".tmp"
    try:
        with h5py.File(tmp, "w") as f:
            f.attrs["version"] = np.int64(FIXTURE_VERSION)
            f.attrs["generator"] = os.path.relpath(generator, ROOT)
            f.attrs["torch_version"] = str(torch.__version__)
            for k, v in versions.items():
                f.attrs[k] = str(v)
            yield f
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise


def put(f, name, value, dtype=None):
    """Stores a tensor/array as dataset `name` (a '/' makes groups), optionally cast."""
    a = to_numpy(value)
    if dtype is not None:
        a = a.astype(dtype)
    kwargs = {}
    if a.nbytes > 16384:
        kwargs = dict(compression="gzip", compression_opts=9, shuffle=True)
    f.create_dataset(name, data=a, **kwargs)


def set_attrs(f, **attrs):
    for k, v in attrs.items():
        if isinstance(v, bool):
            v = np.int64(v)
        elif isinstance(v, int):
            v = np.int64(v)
        elif isinstance(v, float):
            v = np.float64(v)
        elif isinstance(v, str):
            v = str(v)  # plain str: h5py stores it as a variable-length string
        elif isinstance(v, (list, tuple)):
            v = np.asarray(v)
        f.attrs[k] = v
