#!/usr/bin/env python3
"""ResNet feature fixtures for the layer parity tests, computed with timm 0.9.16's own models
(resnet18 and wide_resnet50_2, features_only=True, out_indices=(1, 2, 3): the outputs of
layer1, layer2 and layer3, as the U-Flow reference and anomalib use them):

    python3 tools/reference/resnet_reference.py    # writes tests/fixtures/resnet/*.h5

The full models' weights would take tens of MB, so none are stored: every tensor of the
state_dict is set from a formula the C++ test evaluates the same way (tests/layers/
resnet_test_weights.h). With s(i) = sin(0.61 i + 1.7 j + 0.3), i the element's flat index and j
the tensor's index among the sorted state_dict names (num_batches_tracked left out):
    conv weights    s(i) * 1.7 / sqrt(fan_in)        (fan_in = numel / out channels)
    BN weight       1 + 0.2 s(i)          BN bias   0.1 s(i)
    running_mean    0.1 s(i)              running_var  1 + 0.5 s(i)^2
Outputs are computed in float64 (model.double()) and float32 (model.float()) in eval mode
(BatchNorm with running statistics).

resnet18_feature_path.h5: the whole ResNet feature path of uflow's ResNet extractors, as the
U-Flow reference builds it: the resnet18 features above, each through a torch.nn.LayerNorm over
(C, H, W) (elementwise affine, eps 1e-5). Its weight and bias are set from the same formula
(as a BN weight and bias) with j = 1000 + 2 s and 1001 + 2 s for scale s (0 finest), so that
the test sees an affine part that is not the identity.
"""
import numpy as np
import timm
import torch

from fixture_io import fixture_file, out_path, put

MODELS = [dict(name="resnet18", size=48, batch=2, seed=3),
          dict(name="wide_resnet50_2", size=40, batch=1, seed=4)]


def formula_value(name, shape, j):
    n = int(np.prod(shape))
    s = np.sin(0.61 * np.arange(n, dtype=np.float64) + 1.7 * j + 0.3)
    if name.endswith("running_var"):
        v = 1.0 + 0.5 * s * s
    elif name.endswith("running_mean"):
        v = 0.1 * s
    elif len(shape) == 4:
        v = s * 1.7 / np.sqrt(n / shape[0])
    elif name.endswith("weight"):
        v = 1.0 + 0.2 * s
    else:
        v = 0.1 * s
    return v.reshape(shape)


def formula_model(name):
    """timm's features_only model in float64 evaluation mode, every state_dict tensor set from
    the formula; returns it and the sorted names."""
    model = timm.create_model(name, pretrained=False, features_only=True,
                              out_indices=(1, 2, 3)).eval().double()
    state = model.state_dict()
    names = sorted(k for k in state if not k.endswith("num_batches_tracked"))
    with torch.no_grad():
        for j, k in enumerate(names):
            state[k].copy_(torch.from_numpy(formula_value(k, tuple(state[k].shape), j)))
    return model, names


def main():
    for cfg in MODELS:
        model, names = formula_model(cfg["name"])
        g = torch.Generator().manual_seed(cfg["seed"])
        x = torch.rand(cfg["batch"], 3, cfg["size"], cfg["size"], generator=g,
                       dtype=torch.float64) * 4 - 2
        path = out_path("resnet", cfg["name"] + ".h5")
        with fixture_file(path, __file__, model=cfg["name"], timm_version=timm.__version__,
                          names="\n".join(names)) as f:
            put(f, "input", x)
            with torch.no_grad():
                for i, y in enumerate(model(x)):
                    put(f, "f64/feature%d" % i, y)
                model.float()
                for i, y in enumerate(model(x.float())):
                    put(f, "f32/feature%d" % i, y)
        print("wrote", path)
    write_feature_path()


def write_feature_path():
    name, size, batch = "resnet18", 32, 2
    model, names = formula_model(name)
    norms = []
    for s, (channels, reduction) in enumerate(zip(model.feature_info.channels(),
                                                  model.feature_info.reduction())):
        side = size // reduction
        norm = torch.nn.LayerNorm([channels, side, side], elementwise_affine=True).double()
        with torch.no_grad():
            shape = tuple(norm.weight.shape)
            norm.weight.copy_(torch.from_numpy(formula_value("weight", shape, 1000 + 2 * s)))
            norm.bias.copy_(torch.from_numpy(formula_value("bias", shape, 1001 + 2 * s)))
        norms.append(norm)
    g = torch.Generator().manual_seed(5)
    x = torch.rand(batch, 3, size, size, generator=g, dtype=torch.float64) * 4 - 2
    path = out_path("resnet", name + "_feature_path.h5")
    with fixture_file(path, __file__, model=name, timm_version=timm.__version__,
                      names="\n".join(names), eps=1e-5) as f:
        put(f, "input", x)
        with torch.no_grad():
            for i, y in enumerate(model(x)):
                put(f, "f64/feature%d" % i, norms[i](y))
            model.float()
            for i, y in enumerate(model(x.float())):
                put(f, "f32/feature%d" % i, norms[i].float()(y))
    print("wrote", path)


if __name__ == "__main__":
    main()
