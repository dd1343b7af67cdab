#!/usr/bin/env python3
"""The PyTorch side of `uflow bench`: the same measurements on the reference stack, with the
same shapes, batch sizes and thread count, printed in the same form so the two can be set side
by side (scripts/gpu-check.sh does that and prints the ratios). --precision fp32|tf32|bf16
sets the same float32 GPU math as uflow's option of that name.

    python3 tools/reference/bench_torch.py extractor [--device cpu|cuda] [--config paper|small]
                                                     [--batch 1,16] [--runs N] [--warmup N]
    python3 tools/reference/bench_torch.py flow      [--device cpu|cuda] [--batch 8] ...
    python3 tools/reference/bench_torch.py nfa       [--batch 1] [--repeats N] [--threads 1]

What runs:
- extractor: timm's CaiT (cait_m48_448 and cait_s24_224 with pretrained=False, built only up
  to the tapped block, 40 and 20; or the small D 192 pair of `--config small`), run the way
  U-Flow's extractor runs it: patch embedding, position embedding, blocks 0..tap, final norm,
  tokens folded into (B, D, G, G); the second model on the bicubic (align_corners=True) 224
  resize of the input. Inference mode, eval.
- flow: FrEIA's AllInOneBlock (affine clamping 2, hard permutation, SOFTPLUS global affine)
  in U-Flow's U graph: coarse to fine, 4 blocks per scale with kernels 3,1,3,1 and hidden ratio
  1, split (first C//8*4 channels go up), IRevNet upsampling, concatenation after the finer
  features; timed as a forward under no_grad and as a training step (forward, NLL, backward,
  Adam lr 1e-3 with coupled weight decay 1e-5).
- nfa: tools/reference/nfa_reference.py (this project's independent Python port of the
  reference a-contrario code, numpy/scipy on the CPU) on N(0, 1) latents of 816x28x28 and
  192x14x14 up to T x T. It is a port, not the authors' own code; its speed is indicative.

Every figure is a median of repeated calls after warm-up, reported per image, with a line
  RESULT bench=<b> case=<c> device=<d> batch=<n> ms_per_image=<x> [gflops=<g>]
identical in form to the C++ bench's. On the CPU the thread count is set with
torch.set_num_threads (default: what OpenMP would use, as the C++ bench does); on CUDA TF32 is
off unless --tf32 is given, so both sides compute in full f32.
"""
import argparse
import os
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))


# ----------------------------------------------------------------------------- common
def default_threads():
    env = os.environ.get("OMP_NUM_THREADS", "")
    if env.isdigit() and int(env) > 0:
        return int(env)
    return len(os.sched_getaffinity(0))


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown CPU"


def setup(args):
    threads = args.threads if args.threads > 0 else default_threads()
    torch.set_num_threads(threads)
    device = torch.device(args.device)
    if device.type == "cuda":
        if not torch.cuda.is_available():
            sys.exit("bench_torch: --device cuda but torch sees no GPU")
        # --precision mirrors uflow's (tensor/cuda/math_mode.h): tf32 lets float32 matmuls
        # and convolutions use TF32; bf16 lets float32 matmuls round their inputs to bfloat16
        # (PyTorch's "medium" float32 matmul precision, cuBLAS's 32F_FAST_16BF, as uflow
        # does) with convolutions in TF32.
        precision = args.precision or ("tf32" if args.tf32 else "fp32")
        torch.set_float32_matmul_precision(
            {"fp32": "highest", "tf32": "high", "bf16": "medium"}[precision])
        torch.backends.cudnn.allow_tf32 = precision != "fp32"
        args.precision = precision
        torch.backends.cudnn.benchmark = True
    print(f"machine: CPU {cpu_model()}; {torch.get_num_threads()} threads; "
          f"PyTorch {torch.__version__}", flush=True)
    if device.type == "cuda":
        print(f"machine: GPU {torch.cuda.get_device_name(device)}; float32 math "
              f"{args.precision}", flush=True)
    return device


def sync(device):
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def median_seconds(fn, warmup, runs, device):
    sync(device)
    for _ in range(warmup):
        fn()
        sync(device)
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        sync(device)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def gemm_ceiling(device, n):
    a = torch.rand(n, n, device=device) * 2 - 1
    b = torch.rand(n, n, device=device) * 2 - 1
    gpu = device.type == "cuda"
    t = median_seconds(lambda: torch.mm(a, b), 3 if gpu else 1, 10 if gpu else 5, device)
    g = 2.0 * n ** 3 / t * 1e-9
    print(f"GEMM ceiling ({device.type}, f32 {n}x{n}x{n}, torch.mm): {g:.1f} GFLOP/s "
          f"({t * 1e3:.2f} ms)", flush=True)
    return g


def result(bench, case, device, batch, ms, gflops=0.0):
    line = (f"RESULT bench={bench} case={case} device={device.type} batch={batch} "
            f"ms_per_image={ms:.4g}")
    if gflops > 0:
        line += f" gflops={gflops:.1f}"
    print(line, flush=True)


def batches_of(text, gpu_default, cpu_default, device):
    text = text or (gpu_default if device.type == "cuda" else cpu_default)
    out = [int(v) for v in text.split(",")]
    if any(v < 1 for v in out):
        sys.exit(f"bench_torch: --batch takes positive integers, got '{text}'")
    return out


def runs_of(args, device, gpu_runs, cpu_runs, gpu_warmup, cpu_warmup):
    gpu = device.type == "cuda"
    runs = args.runs if args.runs is not None else (gpu_runs if gpu else cpu_runs)
    warmup = args.warmup if args.warmup is not None else (gpu_warmup if gpu else cpu_warmup)
    return runs, warmup


# ----------------------------------------------------------------------------- extractor
PAPER_TAPS = (("cait_m48_448", 40, 448), ("cait_s24_224", 20, 224))


def build_cait(name, tap, size, config):
    import timm
    if config == "paper":
        # Building only blocks 0..tap is the same network as building all and truncating, and
        # spares the initialisation of the unused blocks.
        model = timm.create_model(name, pretrained=False, depth=tap + 1)
    else:
        from timm.models.cait import Cait
        model = Cait(img_size=size, patch_size=16, embed_dim=192, depth=tap + 1, num_heads=4,
                     mlp_ratio=4.0, init_values=1e-5)
    assert len(model.blocks) == tap + 1
    # The class-attention stage and the head never run in U-Flow's extractor.
    model.blocks_token_only = nn.ModuleList()
    model.head = nn.Identity()
    return model.eval().requires_grad_(False)


def tapped_features(model, image):
    x = model.patch_embed(image) + model.pos_embed
    x = model.pos_drop(x)
    for block in model.blocks:
        x = block(x)
    x = model.norm(x)
    b, n, d = x.shape
    g = int(round(n ** 0.5))
    return x.permute(0, 2, 1).reshape(b, d, g, g)


def cait_macs(model, size):
    d = model.embed_dim
    n = (size // 16) ** 2
    h = model.blocks[0].attn.num_heads
    hidden = model.blocks[0].mlp.fc1.out_features
    patch = n * d * 3 * 16 * 16
    block = 4 * n * d * d + 2 * n * n * d + 2 * h * h * n * n + 2 * n * d * hidden
    return patch + len(model.blocks) * block


def bench_extractor(args):
    device = setup(args)
    batches = batches_of(args.batch, "1,16", "1", device)
    runs, warmup = runs_of(args, device, 10, 3, 3, 1)
    ceiling = gemm_ceiling(device, args.gemm or (8192 if device.type == "cuda" else 2048))
    if args.config == "paper":
        specs = PAPER_TAPS
    else:
        specs = (("cait_small_448", 1, 448), ("cait_small_224", 1, 224))
    t0 = time.perf_counter()
    models = [(build_cait(name, tap, size, args.config).to(device), size)
              for name, tap, size in specs]
    print(f"extractor built (random weights) and placed on {device.type} in "
          f"{time.perf_counter() - t0:.1f} s", flush=True)
    flops = 2.0 * sum(cait_macs(m, size) for m, size in models)
    print(f"extractor: {args.config} ("
          + ", ".join(f"{name} {size}x{size} blocks 0..{tap}" for name, tap, size in specs)
          + f"); estimated {flops * 1e-9:.1f} GFLOP per image ({flops * 0.5e-9:.1f} GMAC)",
          flush=True)

    def forward(images):
        with torch.inference_mode():
            feats = []
            for model, size in models:
                x = images
                if x.shape[-1] != size:
                    x = F.interpolate(images, size=(size, size), mode="bicubic",
                                      align_corners=True)
                feats.append(tapped_features(model, x))
            return feats

    for b in batches:
        s = specs[0][2]
        images = torch.randn(b, 3, s, s, device=device)
        t = median_seconds(lambda: forward(images), warmup, runs, device) / b
        g = flops / t * 1e-9
        print(f"extractor {args.config} forward, {device.type}, batch {b}: {t * 1e3:.2f} "
              f"ms/image ({1 / t:.2f} images/s), {g:.1f} GFLOP/s = {100 * g / ceiling:.0f}% of "
              f"the GEMM ceiling  [median of {runs}]", flush=True)
        result("extractor", args.config, device, b, t * 1e3, g)


# ----------------------------------------------------------------------------- flow
FEATURES = ((768, 28, 28), (384, 14, 14))  # MS-CaiT, finest first


def coupling_subnet(kernel):
    def make(c_in, c_out):
        hidden = int(c_in * 1.0)
        return nn.Sequential(nn.Conv2d(c_in, hidden, kernel, padding="same"), nn.ReLU(),
                             nn.Conv2d(hidden, c_out, kernel, padding="same"))
    return make


def build_uflow(features, steps):
    """U-Flow's graph of FrEIA nodes: each scale from the coarsest runs `steps` coupling blocks;
    all but the finest then send the first C//8*4 channels up through an IRevNet upsampling to
    be concatenated after the next finer features, and emit the rest as that scale's z."""
    import FrEIA.framework as ff
    import FrEIA.modules as fm

    def stage(node, name):
        blocks = []
        for step in range(steps):
            node = ff.Node(node, fm.AllInOneBlock,
                           {"subnet_constructor": coupling_subnet(3 if step % 2 == 0 else 1),
                            "affine_clamping": 2.0, "permute_soft": False},
                           name=f"{name}_step{step}")
            blocks.append(node)
        return blocks

    inputs = [ff.InputNode(c, h, w, name=f"features_{s}") for s, (c, h, w) in enumerate(features)]
    nodes, outputs = [], []
    current = inputs[-1]
    for s in range(len(features) - 1, 0, -1):
        blocks = stage(current, f"scale{s}")
        channels = blocks[-1].output_dims[0][0]
        up_channels = channels // 8 * 4
        split = ff.Node(blocks[-1], fm.Split,
                        {"section_sizes": (up_channels, channels - up_channels), "dim": 0},
                        name=f"split_{s}")
        outputs.append(ff.OutputNode(split.out1, name=f"z_{s}"))
        up = ff.Node(split.out0, fm.IRevNetUpsampling, {}, name=f"up_{s}")
        current = ff.Node([inputs[s - 1].out0, up.out0], fm.Concat, {"dim": 0}, name=f"cat_{s}")
        nodes += blocks + [split, up, current]
    blocks = stage(current, "scale0")
    nodes += blocks
    outputs.append(ff.OutputNode(blocks[-1], name="z_0"))
    return ff.GraphINN(inputs + nodes + outputs[::-1])  # latents finest first


def flow_macs(flow):
    import FrEIA.modules as fm
    macs = 0
    for m in flow.modules():
        if isinstance(m, fm.AllInOneBlock):
            _, h, w = m.dims_in[0]
            macs += h * w * sum(conv.weight.numel() for conv in m.subnet
                                if isinstance(conv, nn.Conv2d))
    return macs


def nll(z, log_det):
    quad = sum(0.5 * zi.pow(2).flatten(1).sum(1) for zi in z)
    return (quad - log_det).mean()


def bench_flow(args):
    device = setup(args)
    batches = batches_of(args.batch, "1,16,32", "8", device)
    runs, warmup = runs_of(args, device, 20, 3, 5, 1)
    ceiling = gemm_ceiling(device, args.gemm or (8192 if device.type == "cuda" else 2048))
    flow = build_uflow(FEATURES, 4).to(device).train()
    params = [p for p in flow.parameters() if p.requires_grad]
    fwd_flops = 2.0 * flow_macs(flow)
    step_flops = 3.0 * fwd_flops
    print(f"flow: FrEIA {FEATURES} -> latents, 4 blocks per scale, "
          f"{sum(p.numel() for p in params)} parameters; estimated {fwd_flops * 1e-9:.1f} GFLOP "
          f"per image forward, ~{step_flops * 1e-9:.1f} per training step", flush=True)
    opt = torch.optim.Adam(params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-5)

    for b in batches:
        feats = [torch.randn(b, c, h, w, device=device) for c, h, w in FEATURES]

        def forward():
            with torch.no_grad():
                flow(feats)

        last = {}

        def step():
            opt.zero_grad()
            z, log_det = flow(feats)
            loss = nll(z, log_det)
            loss.backward()
            opt.step()
            last["loss"] = loss

        t_fwd = median_seconds(forward, warmup, runs, device) / b
        t_step = median_seconds(step, warmup, runs, device) / b
        g_fwd, g_step = fwd_flops / t_fwd * 1e-9, step_flops / t_step * 1e-9
        print(f"flow forward,       {device.type}, batch {b}: {t_fwd * 1e3:8.2f} ms/image, "
              f"{g_fwd:7.1f} GFLOP/s ({100 * g_fwd / ceiling:.0f}% of the GEMM ceiling)  "
              f"[median of {runs}]", flush=True)
        print(f"flow training step, {device.type}, batch {b}: {t_step * 1e3:8.2f} ms/image, "
              f"{g_step:7.1f} GFLOP/s ({100 * g_step / ceiling:.0f}% of the GEMM ceiling)  "
              f"[median of {runs}; last loss {last['loss'].item():.6g}]", flush=True)
        result("flow", "forward", device, b, t_fwd * 1e3, g_fwd)
        result("flow", "train", device, b, t_step * 1e3, g_step)


# ----------------------------------------------------------------------------- nfa
def bench_nfa(args):
    if args.device != "cpu":
        print("nfa: the reference port runs on the CPU (numpy); timing it there", flush=True)
    args.device = "cpu"
    device = setup(args)
    sys.path.insert(0, HERE)
    import nfa_reference as ref
    batches = batches_of(args.batch, "1", "1", device)
    for b in batches:
        gen = torch.Generator().manual_seed(0)
        zs = [torch.randn(b, 816, 28, 28, generator=gen).numpy(),
              torch.randn(b, 192, 14, 14, generator=gen).numpy()]
        out = {}
        t_tree = median_seconds(lambda: out.__setitem__("tree", ref.tree_nfa(zs, args.size, False)),
                                1, args.repeats, device) / b
        t_block = median_seconds(
            lambda: out.__setitem__("block", ref.block_nfa(zs, args.size, 5, 0.9)),
            1, args.repeats, device) / b
        detected = {k: int((v[1] > 0).sum()) for k, v in out.items()}
        for name, t in (("tree", t_tree), ("block", t_block)):
            print(f"nfa {name + ',':6} cpu ({torch.get_num_threads()} thread(s)), batch {b}, "
                  f"{args.size}x{args.size}: {t * 1e3:8.3f} ms/image, {detected[name]} pixels "
                  f"detected  [median of {args.repeats}; Python reference port]", flush=True)
            result("nfa", name, device, b, t * 1e3)


# ----------------------------------------------------------------------------- main
def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="what", required=True)
    for name in ("extractor", "flow", "nfa"):
        p = sub.add_parser(name)
        p.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu",
                       choices=("cpu", "cuda"))
        p.add_argument("--batch", default="", help="images per call, a comma list runs each")
        p.add_argument("--threads", type=int, default=1 if name == "nfa" else 0,
                       help="CPU threads; 0: what OpenMP would use")
        p.add_argument("--tf32", action="store_true", help="allow TF32 on the GPU")
        p.add_argument("--precision", default="", choices=("", "fp32", "tf32", "bf16"),
                       help="float32 math on the GPU (bf16: matmul inputs rounded to bfloat16)")
        if name == "nfa":
            p.add_argument("--size", type=int, default=256)
            p.add_argument("--repeats", type=int, default=21)
        else:
            p.add_argument("--runs", type=int, default=None)
            p.add_argument("--warmup", type=int, default=None)
            p.add_argument("--gemm", type=int, default=0, help="GEMM ceiling size")
        if name == "extractor":
            p.add_argument("--config", default="paper", choices=("paper", "small"))
    args = parser.parse_args()
    {"extractor": bench_extractor, "flow": bench_flow, "nfa": bench_nfa}[args.what](args)


if __name__ == "__main__":
    main()
