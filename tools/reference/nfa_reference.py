#!/usr/bin/env python3
"""An independent Python port of U-Flow's a-contrario segmentation (docs/nfa.md,
tree NFA and block NFA) and the writer of the fixtures the C++ tests compare against:

    python3 tools/reference/nfa_reference.py            # writes tests/fixtures/nfa/*.h5
    python3 tools/reference/nfa_reference.py --behaviour  # the docs/nfa.md §2.2 claims at MS-CaiT shapes

The port shares no construction logic with the C++ code: the component tree is built by
threshold decomposition (the 4-connected components of every upper level set, labelled with
scipy.ndimage, nested by containment) instead of union-find, and the prune and merge procedures
edit an explicit parent/children graph node by node, in ascending level order, as the
definition states. Upsampling uses torch.nn.functional.interpolate; binomial tails and the χ²
quantile come from scipy.stats; the number of tests is summed exactly with mpmath.

Deliberate choices, shared with the C++ code: S = Σ_c z² is accumulated in float64 (the
original accumulates in float32) and the tree is built on S, which orders pixels as mean_c z²
does. Every final leaf gets its log P; the original keys its final regions by their log P in a
dict, so of two final leaves with exactly equal log P one would be left at 0 (the script counts
such collisions and prints them). The block NFA follows the original's float64 maps. On the
fixture latents this port and the original agree to float rounding apart from such collisions.

Each fixture file holds, for one case: z1, z2, … (B, C_s, H_s, W_s) float32, finest first;
tree_logp{s}, tree_guard_logp{s} (B, H_s, W_s) float32: per-scale log10 P maps; block_logp{s}
(B, H_s, W_s) float64; tree_score, tree_guard_score (B, 1, T, T) float32 and block_score
(B, 1, T, T) float64: −log10 NFA; attributes size (T), window, prob, log10_tests_tree,
log10_tests_block, version.
"""
import argparse
import os

import h5py
import mpmath
import numpy as np
import scipy.stats as st
import torch
import torch.nn.functional as F
from scipy import ndimage

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT_DIR = os.path.join(ROOT, "tests", "fixtures", "nfa")
FIXTURE_VERSION = 1

ALPHA = "0.316915"
BETA = "4.06257"
FOUR_CONNECTED = ndimage.generate_binary_structure(2, 1)

leaf_collisions = 0  # final leaves whose log P equals another final leaf's (see the docstring)


# ----------------------------------------------------------------------------- number of tests
def log10_number_of_tests(pixels_per_scale):
    mpmath.mp.dps = 40
    alpha, beta = mpmath.mpf(ALPHA), mpmath.mpf(BETA)
    total = mpmath.mpf(0)
    for n in pixels_per_scale:
        total += n * mpmath.fsum(alpha * beta**r / r for r in range(1, n + 1))
    return float(mpmath.log10(total))


# ----------------------------------------------------------------------------- component tree
class Node:
    def __init__(self, level, region):
        self.level = level
        self.region = region  # flat pixel indices of the component (all descendants included)
        self.parent = None
        self.children = []
        self.log_prob = 0.0


def component_tree(level_map):
    """Nodes of the max-tree of level_map (4-connectivity), in ascending level order; node 0
    is the root. A node is a component of {level >= λ} holding a pixel at exactly λ."""
    flat = level_map.ravel()
    levels = np.unique(flat)
    nodes, node_at = [], []  # node_at[i]: label of level i -> node
    labels_per_level = []
    for i, lam in enumerate(levels):
        labels, _ = ndimage.label(level_map >= lam, structure=FOUR_CONNECTED)
        labels = labels.ravel()
        labels_per_level.append(labels)
        here = {}
        for lab in np.unique(labels[flat == lam]):
            node = Node(float(lam), np.flatnonzero(labels == lab))
            here[int(lab)] = node
            nodes.append(node)
            # The parent is the node of the nearest lower level whose component contains this
            # one; at a level with no pixel of that component, there is no node to attach to.
            p0 = node.region[0]
            for j in range(i - 1, -1, -1):
                candidate = node_at[j].get(int(labels_per_level[j][p0]))
                if candidate is not None:
                    node.parent = candidate
                    candidate.children.append(node)
                    break
        node_at.append(here)
    assert nodes[0].parent is None and all(n.parent is not None for n in nodes[1:])
    return nodes


# ----------------------------------------------------------------------------- simplification
def remove_node(node):
    """Deletes node, handing its children to its parent."""
    up = node.parent
    if up is not None:
        up.children.remove(node)
    for c in node.children:
        c.parent = up
        if up is not None:
            up.children.append(c)
    node.children = []
    node.removed = True


def alive(nodes):
    return [n for n in nodes if not getattr(n, "removed", False)]


def branch_of(leaf):
    branch = [leaf]
    while branch[-1].parent is not None and len(branch[-1].parent.children) == 1:
        branch.append(branch[-1].parent)
    return branch


def prune(nodes):
    for leaf in [n for n in alive(nodes) if not n.children]:
        branch = branch_of(leaf)
        best = int(np.argmin([n.log_prob for n in branch]))  # first minimum, nearest the leaf
        for i, n in enumerate(branch):
            if i != best:
                remove_node(n)


def merge(nodes):
    merged = False
    for b in [n for n in alive(nodes) if len(n.children) > 1]:
        if any(c.children for c in b.children):
            continue
        if b.log_prob <= min(c.log_prob for c in b.children):
            merged = True
            for c in list(b.children):
                remove_node(c)
    return merged


# ----------------------------------------------------------------------------- tree NFA
def tree_log_prob_map(z, guard):
    """z (C, H, W) float32 -> (H, W) float32 map of log10 P of the final regions."""
    c, h, w = z.shape
    s = np.sum(z.astype(np.float64) ** 2, axis=0)
    s_flat = s.ravel()
    nodes = component_tree(s)
    for n in nodes:
        t = s_flat[n.region].min() / c
        if guard and t <= 1:
            n.log_prob = 0.0
        else:
            n.log_prob = len(n.region) * (-(c / 2) * (t - 1 - np.log(t)) / np.log(10))
    prune(nodes)
    while merge(nodes):
        prune(nodes)
    prune(nodes)
    out = np.zeros(h * w, dtype=np.float64)
    final = [n for n in alive(nodes) if not n.children]
    global leaf_collisions
    nonzero = [n.log_prob for n in final if n.log_prob != 0]  # a dropped 0 leaf stays 0
    leaf_collisions += len(nonzero) - len(set(nonzero))
    covered = np.zeros(h * w, dtype=bool)
    for n in final:
        assert not covered[n.region].any(), "final regions overlap"
        covered[n.region] = True
        out[n.region] = n.log_prob
    out = torch.from_numpy(out.astype(np.float32)).nan_to_num(0).numpy()
    return out.reshape(h, w)


def tree_nfa(zs, size, guard):
    """zs: list of (B, C, H, W) float32 arrays -> (per-scale maps, (B, 1, T, T) score)."""
    maps = [np.stack([tree_log_prob_map(z[b], guard) for b in range(z.shape[0])]) for z in zs]
    up = [F.interpolate(torch.from_numpy(m).unsqueeze(1), size=(size, size), mode="bilinear",
                        align_corners=False) for m in maps]
    log_prob = torch.cat(up, dim=1).amin(dim=1, keepdim=True)
    log_tests = log10_number_of_tests([z.shape[2] * z.shape[3] for z in zs])
    return maps, (-(log_prob.double() + log_tests)).float().numpy(), log_tests


# ----------------------------------------------------------------------------- block NFA
def block_log_prob_map(z, half_width, prob):
    """z (B, C, H, W) float32 -> (B, H, W) float64 log10 P(Bin(n, 1-p) > floor(K / C))."""
    _, c, h, w = z.shape
    tau = np.float32(st.chi2.ppf(prob, 1))  # the original compares float32 arrays
    count = np.sum(z * z >= tau, axis=1)  # (B, H, W): candidates over channels
    hw = half_width
    padded = np.pad(count, ((0, 0), (hw, hw), (hw, hw)), mode="reflect")
    k = np.zeros_like(count)
    for dy in range(2 * hw + 1):
        for dx in range(2 * hw + 1):
            k += padded[:, dy:dy + h, dx:dx + w]
    n = (2 * hw + 1) ** 2
    return st.binom.logsf(k / c, n, 1 - prob) / np.log(10)


def block_nfa(zs, size, window, prob):
    maps = []
    for s, z in enumerate(zs):
        half_width = max(int((window / 2**s) // 2), 1)
        maps.append(block_log_prob_map(z, half_width, prob))
    up = [F.interpolate(torch.from_numpy(m).unsqueeze(1), size=(size, size), mode="bicubic",
                        align_corners=True) for m in maps]
    log_prob = torch.cat(up, dim=1).sum(dim=1, keepdim=True)
    log_tests = float(np.log10(sum(z.shape[2] * z.shape[3] for z in zs)))
    return maps, (-(log_prob + log_tests)).numpy(), log_tests


# ----------------------------------------------------------------------------- fixtures
def normal(rng, shape, std=1.0):
    return (std * rng.standard_normal(shape)).astype(np.float32)


def case_random(rng):
    return [normal(rng, (2, 16, 12, 12)), normal(rng, (2, 8, 6, 6))], {}


def case_planted(rng):
    z1, z2 = normal(rng, (2, 64, 12, 12)), normal(rng, (2, 32, 6, 6))
    z1[0, :, 4:7, 5:8] *= 2.0  # a 3×3 anomaly at the fine scale
    z1[1, :, 0:2, 9:12] *= 1.6  # one touching the border
    z2[1, :, 3:5, 1:3] *= 2.5  # and one at the coarse scale only
    return [z1, z2], {}


def case_plateau(rng):
    # Few channels of ±1, ±2: S takes few values, so levels are shared by neighbouring pixels
    # (merged into one node) and by separate regions, and t = 1 exactly where all are ±1;
    # plus copied blocks of one vector.
    def signed_levels(shape):
        return (rng.choice([-2.0, -1.0, 1.0, 2.0], size=shape, p=[0.2, 0.3, 0.3, 0.2])
                .astype(np.float32))
    z1 = signed_levels((2, 4, 10, 10))
    z2 = signed_levels((2, 3, 5, 5))
    z1[0, :, 2:5, 2:5] = z1[0, :, 2:3, 2:3]
    z1[0, :, 6:9, 6:9] = z1[0, :, 2:3, 2:3]  # a second, disconnected copy at the same level
    z1[1, :, :, :] = np.where(np.arange(10)[None, :, None] < 5, 3.0, z1[1])  # a flat half
    z2[0, :, 1:4, 1:4] = 2.5
    return [z1, z2], {}


def case_underdispersed(rng):
    return [normal(rng, (2, 32, 12, 12), 0.9), normal(rng, (2, 16, 6, 6), 0.9)], {}


def case_nonsquare(rng):
    z1 = normal(rng, (1, 12, 9, 13))
    z1[0, :, 3:6, 4:7] *= 1.7
    return [z1], {"size": 17}


def case_anomalib(rng):
    z1, z2 = normal(rng, (2, 24, 10, 10)), normal(rng, (2, 12, 5, 5))
    z1[0, :, 3:6, 3:6] *= 1.6
    return [z1, z2], {"window": 7, "prob": 0.5}


CASES = {
    "random": case_random,
    "planted": case_planted,
    "plateau": case_plateau,
    "underdispersed": case_underdispersed,
    "nonsquare": case_nonsquare,
    "anomalib": case_anomalib,
}


def write_case(name, seed):
    global leaf_collisions
    leaf_collisions = 0
    rng = np.random.default_rng(seed)
    zs, opt = CASES[name](rng)
    size, window, prob = opt.get("size", 24), opt.get("window", 5), opt.get("prob", 0.9)
    tree_maps, tree_score, tree_tests = tree_nfa(zs, size, guard=False)
    guard_maps, guard_score, _ = tree_nfa(zs, size, guard=True)
    block_maps, block_score, block_tests = block_nfa(zs, size, window, prob)
    path = os.path.join(OUT_DIR, name + ".h5")
    with h5py.File(path, "w") as f:
        f.attrs["version"] = FIXTURE_VERSION
        f.attrs["size"] = size
        f.attrs["window"] = window
        f.attrs["prob"] = prob
        f.attrs["log10_tests_tree"] = tree_tests
        f.attrs["log10_tests_block"] = block_tests
        for s, z in enumerate(zs, start=1):
            f[f"z{s}"] = z
            f[f"tree_logp{s}"] = tree_maps[s - 1]
            f[f"tree_guard_logp{s}"] = guard_maps[s - 1]
            f[f"block_logp{s}"] = block_maps[s - 1]
        f["tree_score"] = tree_score
        f["tree_guard_score"] = guard_score
        f["block_score"] = block_score
    print(f"{path}: tree detects {int((tree_score > 0).sum())}, guarded "
          f"{int((guard_score > 0).sum())}, block {int((block_score > 0).sum())} of "
          f"{tree_score.size} pixels; {leaf_collisions} final-leaf log P collisions; "
          f"{os.path.getsize(path)} bytes")


def behaviour():
    """The docs/nfa.md §2.2 observations at MS-CaiT shapes (816×28×28 + 192×14×14 -> 256×256)."""
    rng = np.random.default_rng(7)
    z2 = normal(rng, (1, 192, 14, 14))
    for label, z1 in [("N(0,1)", normal(rng, (1, 816, 28, 28))),
                      ("N(0,1), 3x3 patch x1.5", None),
                      ("N(0,0.95^2)", normal(rng, (1, 816, 28, 28), 0.95))]:
        if z1 is None:
            z1 = normal(rng, (1, 816, 28, 28))
            z1[0, :, 10:13, 14:17] *= 1.5
        zz2 = z2 if "0.95" not in label else normal(rng, (1, 192, 14, 14), 0.95)
        for guard in (False, True):
            _, score, _ = tree_nfa([z1, zz2], 256, guard)
            print(f"{label:26s} guard={guard!s:5s}: detected {int((score > 0).sum())} of "
                  f"{score.size}, max -log10 NFA {score.max():.3f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--behaviour", action="store_true",
                        help="print the docs/nfa.md §2.2 behaviour at full size instead of writing fixtures")
    args = parser.parse_args()
    if args.behaviour:
        behaviour()
        return
    os.makedirs(OUT_DIR, exist_ok=True)
    for i, name in enumerate(CASES):
        write_case(name, seed=1000 + i)


if __name__ == "__main__":
    main()
