#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
#
# The defaults pass on real exporter output: tiny models exported with
# Debian's PyTorch (torch.onnx.export, torch 1.13), one per rule that
# fires and its safe twin, written beside this script as NAME.onnx.  The
# arguments each is checked with are in ARGS below; tests/target.sh
# compares the findings with ../torch.txt.  Where the exporter cannot
# write the pattern itself (PyTorch's exporter always writes
# linear_before_reset=1 and alpha 1/6), the exported model is edited the
# way the faulty exporter or framework wrote it, and the comment says so.
# Run from the project root:
#	/usr/bin/python3 testdata/defaults/torch/gen.py
import io
import math
import os
import sys

import onnx
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
torch.manual_seed(0)

# name -> onnxfix check arguments
ARGS = {}


def export(name, mod, args, opset=13, args_cli="", edit=None, **kw):
    buf = io.BytesIO()
    mod.eval()
    torch.onnx.export(mod, args, buf, opset_version=opset,
                      input_names=["x"], output_names=["y"], **kw)
    m = onnx.load_from_string(buf.getvalue())
    if edit is not None:
        edit(m)
    onnx.checker.check_model(m)
    onnx.save(m, os.path.join(HERE, name + ".onnx"))
    ARGS[name] = args_cli


def set_attr(op, name, value):
    def edit(m):
        for n in m.graph.node:
            if n.op_type == op:
                for a in list(n.attribute):
                    if a.name == name:
                        n.attribute.remove(a)
                n.attribute.append(onnx.helper.make_attribute(name, value))
    return edit


class Fn(nn.Module):
    def __init__(self, f, *mods):
        super().__init__()
        self.f = f
        self.mods = nn.ModuleList(mods)

    def forward(self, *x):
        return self.f(self, *x)


x24 = torch.randn(2, 4)
seq = torch.randn(5, 1, 3)

# --- 1. GRU linear_before_reset ----------------------------------------
gru = Fn(lambda s, x: s.mods[0](x)[0], nn.GRU(3, 4))
export("gru-ok", gru, (seq,))
# the 2026 exporter's fault: linear_before_reset=0 for nn.GRU
export("gru-lbr0", gru, (seq,), edit=set_attr("GRU", "linear_before_reset",
                                              0))

# --- 2. activation coefficients ------------------------------------------
export("leakyrelu-keras", Fn(lambda s, x: s.mods[0](x), nn.LeakyReLU()),
       (x24,), args_cli="--expect keras")
export("leakyrelu-keras-ok", Fn(lambda s, x: s.mods[0](x),
                                nn.LeakyReLU(0.3)), (x24,),
       args_cli="--expect keras")
export("leakyrelu-pytorch-ok", Fn(lambda s, x: s.mods[0](x),
                                  nn.LeakyReLU()), (x24,),
       args_cli="--expect pytorch")
hs = Fn(lambda s, x: s.mods[0](x), nn.Hardsigmoid())
# PaddleOCR's backbone: hardsigmoid(slope=0.2, offset=0.5)
export("hardsigmoid-paddle", hs, (x24,), args_cli="--expect pytorch",
       edit=set_attr("HardSigmoid", "alpha", 0.2))
export("hardsigmoid-pytorch-ok", hs, (x24,), args_cli="--expect pytorch")
selu = Fn(lambda s, x: s.mods[0](x), nn.SELU())
export("selu", selu, (x24,))


def selu_exact(m):
    set_attr("Selu", "alpha", 1.6732632423543772)(m)
    set_attr("Selu", "gamma", 1.0507009873554805)(m)


export("selu-explicit-ok", selu, (x24,), edit=selu_exact)

# --- 3. training behaviour -----------------------------------------------
drop = Fn(lambda s, x: s.mods[0](x), nn.Dropout(0.5))


def export_training(name, mod, args, mode):
    buf = io.BytesIO()
    torch.onnx.export(mod, args, buf, opset_version=13, input_names=["x"],
                      output_names=["y"], training=mode,
                      do_constant_folding=False)
    onnx.save(onnx.load_from_string(buf.getvalue()),
              os.path.join(HERE, name + ".onnx"))
    ARGS[name] = ""


export_training("dropout-train", drop, (x24,), torch.onnx.TrainingMode.TRAINING)
export_training("dropout-eval-ok", drop, (x24,), torch.onnx.TrainingMode.EVAL)
export("randn-like", Fn(lambda s, x: x + torch.randn_like(x)), (x24,))
export("rand-like", Fn(lambda s, x: x * torch.rand_like(x)), (x24,))
export("bernoulli", Fn(lambda s, x: torch.bernoulli(torch.sigmoid(x))),
       (x24,), opset=15)
export("noise-free-ok", Fn(lambda s, x: x + 0.5 * torch.ones_like(x)),
       (x24,))

# --- 7. float16 readiness (--target fp16) --------------------------------
F16 = "--target fp16"
att = torch.randn(1, 4, 4)
msk = torch.tensor([[[False, False, True, True]]])


def masked(v):
    return Fn(lambda s, a, m: F.softmax(a.masked_fill(m, v), -1))


for name, v in (("mask-1e9", -1e9),
                ("mask-finfo-min", torch.finfo(torch.float32).min),
                ("mask-1e4-ok", -1e4)):
    buf = io.BytesIO()
    torch.onnx.export(masked(v), (att, msk), buf, opset_version=13,
                      input_names=["a", "m"], output_names=["y"])
    onnx.save(onnx.load_from_string(buf.getvalue()),
              os.path.join(HERE, name + ".onnx"))
    ARGS[name] = F16
export("clamp-1e5", Fn(lambda s, x: x.clamp(-1e5, 1e5)), (x24,),
       args_cli=F16)
export("clamp-1e4-ok", Fn(lambda s, x: x.clamp(-1e4, 1e4)), (x24,),
       args_cli=F16)
export("log-clamp-1e-10", Fn(lambda s, x: torch.log(x.clamp(min=1e-10))),
       (x24,), args_cli=F16)
export("log-clamp-1e-4-ok", Fn(lambda s, x: torch.log(x.clamp(min=1e-4))),
       (x24,), args_cli=F16)
export("l2norm-1e-12", Fn(lambda s, x: F.normalize(x, dim=-1, eps=1e-12)),
       (x24,), args_cli=F16)
export("l2norm-1e-4-ok", Fn(lambda s, x: F.normalize(x, dim=-1, eps=1e-4)),
       (x24,), args_cli=F16)
# LayerNorm below opset 17 is written out: Pow, ReduceMean, Add eps, Sqrt
export("layernorm-1e-12", Fn(lambda s, x: s.mods[0](x),
                             nn.LayerNorm(4, eps=1e-12)), (x24,),
       args_cli=F16)
export("layernorm-1e-4-ok", Fn(lambda s, x: s.mods[0](x),
                               nn.LayerNorm(4, eps=1e-4)), (x24,),
       args_cli=F16)
img = torch.randn(1, 1, 4, 4)
export("resize-scales", Fn(lambda s, x: F.interpolate(x, scale_factor=2.0)),
       (img,), args_cli=F16)
export("resize-sizes-ok", Fn(lambda s, x: F.interpolate(x, size=(8, 8))),
       (img,), args_cli=F16)
export("softplus-by-hand", Fn(lambda s, x: torch.log(1 + torch.exp(x))),
       (x24,), args_cli=F16)
export("exp-max-ok", Fn(lambda s, x: F.softplus(x) + torch.exp(
    x - x.max(-1, keepdim=True)[0])), (x24,), args_cli=F16)
# torchvision's box decoders: exp(clamp(d, max=log(1000 / 16)))
export("exp-clamped-ok", Fn(lambda s, x: torch.exp(torch.clamp(
    x, max=math.log(1000.0 / 16)))), (x24,), args_cli=F16)
wide = torch.randn(2, 4096)
export("sum-4096", Fn(lambda s, x: x.sum(-1)), (wide,), args_cli=F16)
export("sum-int64-ok", Fn(lambda s, x: (x > 0).long().sum(-1)), (wide,),
       args_cli=F16)
# LLaMA's attention, exported in half: F.softmax(scores.float(),
# dim=-1).type_as(scores)
h24 = torch.randn(2, 4).half()
export("softmax-float32-island", Fn(lambda s, x: F.softmax(
    x.float(), -1).type_as(x)), (h24,), args_cli=F16)
export("softmax-ok", Fn(lambda s, x: F.softmax(x, -1)), (x24,),
       args_cli=F16)

with open(os.path.join(HERE, "args.txt"), "w") as f:
    for name in sorted(ARGS):
        f.write("%s %s\n" % (name, ARGS[name]))
