#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Models that pin a dynamic dimension, exported with Debian's PyTorch.

    /usr/bin/python3 tests/pinned/gen.py OUTDIR

Each model takes x of shape [batch, seq, 4], traced at batch 3 and seq 5
and exported with dynamic_axes {0: batch, 1: seq}.  NAME_pinned.onnx
writes a traced size as a Python int, so that the exporter bakes it into
a shape-like constant (Reshape shape, Tile repeats, Expand shape,
ConstantOfShape, Range limit, Slice end); NAME_clean.onnx is its twin
written with x.shape[i] or -1, whose sizes flow through Shape/Gather.
Both variants are exported with and without the exporter's constant
folding (suffix _nf: do_constant_folding=False).  One line per model
("pinned: NAME").  Exits 0 with a message when torch is missing.
"""
import os
import sys

try:
    import torch
except ImportError:
    print("pinned: torch missing (sh tools/setup.sh --test)")
    sys.exit(0)

B, T, C = 3, 5, 4


class View(torch.nn.Module):
    def __init__(self, clean):
        super().__init__()
        self.clean = clean

    def forward(self, x):
        if self.clean:
            return x.view(x.shape[0], -1)
        return x.view(B, -1)


class Repeat(torch.nn.Module):
    def __init__(self, clean):
        super().__init__()
        self.clean = clean
        self.p = torch.nn.Parameter(torch.randn(1, 1, C))

    def forward(self, x):
        if self.clean:
            return x + self.p.repeat(x.shape[0], 1, 1)
        return x + self.p.repeat(B, 1, 1)


class Expand(torch.nn.Module):
    def __init__(self, clean):
        super().__init__()
        self.clean = clean
        self.p = torch.nn.Parameter(torch.randn(1, 1, C))

    def forward(self, x):
        if self.clean:
            return x * self.p.expand(x.shape[0], x.shape[1], -1)
        return x * self.p.expand(B, T, C)


class Zeros(torch.nn.Module):
    def __init__(self, clean):
        super().__init__()
        self.clean = clean

    def forward(self, x):
        if self.clean:
            z = torch.zeros(x.shape[0], x.shape[1], C)
        else:
            z = torch.zeros(B, T, C)
        return torch.cat([x, z], 2)


class Full(torch.nn.Module):
    def __init__(self, clean):
        super().__init__()
        self.clean = clean

    def forward(self, x):
        if self.clean:
            f = torch.full((x.shape[0], 1, C), 2.0)
        else:
            f = torch.full((B, 1, C), 2.0)
        return x - f


class Arange(torch.nn.Module):
    def __init__(self, clean):
        super().__init__()
        self.clean = clean

    def forward(self, x):
        n = x.shape[1] if self.clean else T
        pos = torch.arange(n, dtype=torch.float32)
        return x + pos.view(1, -1, 1)


class SliceLen(torch.nn.Module):
    def __init__(self, clean):
        super().__init__()
        self.clean = clean
        self.table = torch.nn.Parameter(torch.randn(16, C))

    def forward(self, x):
        n = x.shape[1] if self.clean else T
        return x + self.table[:n]


MODELS = {"view": View, "repeat": Repeat, "expand": Expand, "zeros": Zeros,
          "full": Full, "arange": Arange, "slice": SliceLen}


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(0)
    x = torch.randn(B, T, C)
    for name, cls in MODELS.items():
        for clean in (False, True):
            for fold in (True, False):
                m = cls(clean).eval()
                path = os.path.join(out, "%s_%s%s.onnx" % (
                    name, "clean" if clean else "pinned",
                    "" if fold else "_nf"))
                torch.onnx.export(
                    m, (x,), path, opset_version=13,
                    input_names=["x"], output_names=["y"],
                    dynamic_axes={"x": {0: "batch", 1: "seq"}},
                    do_constant_folding=fold)
                print("pinned: %s" % os.path.basename(path))


if __name__ == "__main__":
    main()
