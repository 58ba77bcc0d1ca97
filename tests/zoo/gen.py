#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Export a set of torchvision models to ONNX with Debian's PyTorch.

    /usr/bin/python3 tests/zoo/gen.py OUTDIR [--set small|full] [NAME...]

Every model is built with random weights from a fixed seed (nothing is
downloaded), put in eval mode and exported with torch.onnx.export.  The
variants cover what real exports look like: opsets 9 to 17,
BatchNormalization kept (training=PRESERVE) or folded by the exporter,
the exporter's constant folding off (weights then reach MatMul through
Transpose nodes), a training-mode export (BatchNormalization computing
its statistics outputs), a dynamic batch dimension, and a channels-last
wrapper (the input is NHWC and permuted inside the model, as TensorFlow
conversions do).  A model already in OUTDIR is not exported again.  One line per
model: "zoo: NAME nodes=N seconds=S".  Exits 0 with a message when torch
is not installed (sh tools/setup.sh --test installs it).

The sets: "small" (make check: a few seconds each) and "full" (bench/:
57 exports, detection models with If/Loop/NMS included).
"""
import os
import sys
import time

try:
    import torch
    import torchvision.models as M
    import torchvision.models.detection as D
    import torchvision.models.segmentation as S
except ImportError:
    print("zoo: torch or torchvision missing (sh tools/setup.sh --test)")
    sys.exit(0)


class ChannelsLast(torch.nn.Module):
    """NHWC in, NCHW network inside: the Transposes a converter leaves."""

    def __init__(self, net):
        super().__init__()
        self.net = net

    def forward(self, x):
        return self.net(x.permute(0, 3, 1, 2))


class DetectionOut(torch.nn.Module):
    """Detection models return a list of dicts; export the first one."""

    def __init__(self, net):
        super().__init__()
        self.net = net

    def forward(self, x):
        out = self.net([x[0]])[0]
        return out["boxes"], out["scores"], out["labels"]


class SegOut(torch.nn.Module):
    def __init__(self, net):
        super().__init__()
        self.net = net

    def forward(self, x):
        return self.net(x)["out"]


class Encoder(torch.nn.Module):
    """A Transformer encoder over a float sequence (batch, seq, 64)."""

    def __init__(self):
        super().__init__()
        layer = torch.nn.TransformerEncoderLayer(64, 4, 128,
                                                 batch_first=True)
        self.enc = torch.nn.TransformerEncoder(layer, 2)
        self.head = torch.nn.Linear(64, 10)

    def forward(self, x):
        return self.head(self.enc(x))


class Recurrent(torch.nn.Module):
    """Two bidirectional LSTM (or GRU) layers over (batch, seq, 64)."""

    def __init__(self, gru=False):
        super().__init__()
        rnn = torch.nn.GRU if gru else torch.nn.LSTM
        self.rnn = rnn(64, 48, num_layers=2, bidirectional=True,
                       batch_first=True)
        self.head = torch.nn.Linear(96, 10)

    def forward(self, x):
        return self.head(self.rnn(x)[0])


def gru():
    return Recurrent(gru=True)


class ConstNet(torch.nn.Module):
    """Constants a network computes at run time, which an export with
    constant folding off keeps as nodes: a sinusoidal position table
    (Sin, Cos of Range), a position bias from an MLP over constant
    coordinates (as Swin V2 has: MatMul, Relu, Sigmoid, ReduceSum), a
    standardised weight (ReduceMean, Pow, Sqrt, Div), a flow encoder on a
    zero first flow (as RAFT has: Conv, Relu) and a causal mask (Trilu)
    over (batch, SIZE, 64)."""

    def __init__(self):
        super().__init__()
        nn = torch.nn
        self.mlp = nn.Sequential(nn.Linear(2, 32), nn.ReLU(),
                                 nn.Linear(32, 4, bias=False))
        self.w = nn.Parameter(torch.randn(64, 64))
        self.flow = nn.Sequential(nn.Conv2d(2, 8, 3, padding=1), nn.ReLU(),
                                  nn.Conv2d(8, 4, 1))
        self.head = nn.Linear(64, 10)

    def forward(self, x):
        n = x.shape[1]
        pos = torch.arange(n, dtype=torch.float32).unsqueeze(1)
        div = torch.exp(torch.arange(0, 64, 2, dtype=torch.float32) *
                        (-9.210340371976184 / 64))
        x = x + torch.cat([torch.sin(pos * div), torch.cos(pos * div)], 1)
        r = torch.arange(-3, 4, dtype=torch.float32)
        t = torch.stack(torch.meshgrid(r, r, indexing="ij"))
        t = t.permute(1, 2, 0).reshape(-1, 2) / 3
        t = torch.sign(t) * torch.log2(t.abs() + 1)
        bias = 16 * torch.sigmoid(self.mlp(t)).sum()
        m = self.w.mean(1, keepdim=True)
        w = (self.w - m) / torch.sqrt(((self.w - m) ** 2).mean(
            1, keepdim=True) + 1e-5)
        f = self.flow(torch.zeros(1, 2, 4, 4)).mean()
        mask = torch.triu(torch.full((n, n), float("-inf")), 1)
        a = torch.softmax(x @ x.transpose(1, 2) / 8 + mask, -1)
        return self.head((a @ x) @ w.t() + bias + f)


# name: (constructor, input size, opset, options)
#   options: "bn" keeps BatchNormalization, "dyn" makes the batch dynamic,
#   "nhwc" wraps in ChannelsLast, "nofold" turns the exporter's constant
#   folding off, "train" exports in training mode, "seq" takes a float
#   sequence (batch, SIZE, 64) instead of an image.
FULL = {
    "resnet18_op13_bn": (M.resnet18, 224, 13, "bn"),
    "resnet18_op17": (M.resnet18, 224, 17, ""),
    "resnet50_op13": (M.resnet50, 224, 13, ""),
    "resnet50_op11_bn_dyn": (M.resnet50, 224, 11, "bn dyn"),
    "resnet18_op13_nhwc": (M.resnet18, 224, 13, "nhwc"),
    "mobilenet_v2_op13_bn": (M.mobilenet_v2, 224, 13, "bn"),
    "mobilenet_v2_op11_dyn": (M.mobilenet_v2, 224, 11, "dyn"),
    "mobilenet_v3_small_op17": (M.mobilenet_v3_small, 224, 17, ""),
    "mobilenet_v3_large_op13_bn": (M.mobilenet_v3_large, 224, 13, "bn"),
    "mobilenet_v3_small_op13_nhwc": (M.mobilenet_v3_small, 224, 13, "nhwc"),
    "efficientnet_b0_op13": (M.efficientnet_b0, 224, 13, ""),
    "efficientnet_b0_op17_bn": (M.efficientnet_b0, 224, 17, "bn"),
    "convnext_tiny_op13": (M.convnext_tiny, 224, 13, ""),
    "convnext_tiny_op17_dyn": (M.convnext_tiny, 224, 17, "dyn"),
    "swin_t_op13": (M.swin_t, 224, 13, ""),
    "swin_t_op17": (M.swin_t, 224, 17, ""),
    "vit_b_16_op13": (M.vit_b_16, 224, 13, ""),
    "vit_b_32_op17_dyn": (M.vit_b_32, 224, 17, "dyn"),
    "shufflenet_v2_op11": (M.shufflenet_v2_x1_0, 224, 11, ""),
    "shufflenet_v2_op13_bn": (M.shufflenet_v2_x1_0, 224, 13, "bn"),
    "squeezenet1_1_op11": (M.squeezenet1_1, 224, 11, ""),
    "squeezenet1_0_op13_nhwc": (M.squeezenet1_0, 224, 13, "nhwc"),
    "vgg11_bn_op13_bn": (M.vgg11_bn, 224, 13, "bn"),
    "vgg11_op11": (M.vgg11, 224, 11, ""),
    "densenet121_op13": (M.densenet121, 224, 13, ""),
    "densenet121_op11_bn": (M.densenet121, 224, 11, "bn"),
    "googlenet_op13": (M.googlenet, 224, 13, ""),
    "inception_v3_op13_bn": (M.inception_v3, 299, 13, "bn"),
    "mnasnet1_0_op13": (M.mnasnet1_0, 224, 13, ""),
    "regnet_y_400mf_op13_bn": (M.regnet_y_400mf, 224, 13, "bn"),
    "regnet_x_400mf_op17": (M.regnet_x_400mf, 224, 17, ""),
    "resnext50_32x4d_op13": (M.resnext50_32x4d, 224, 13, ""),
    "alexnet_op11": (M.alexnet, 224, 11, ""),
    "efficientnet_v2_s_op17": (M.efficientnet_v2_s, 224, 17, ""),
    "maxvit_t_op17": (M.maxvit_t, 224, 17, ""),
    "lraspp_mobilenet_v3_op13": (S.lraspp_mobilenet_v3_large, 224, 13,
                                 "seg"),
    "deeplabv3_mobilenet_v3_op11": (S.deeplabv3_mobilenet_v3_large, 224,
                                    11, "seg"),
    "ssdlite320_op13": (D.ssdlite320_mobilenet_v3_large, 320, 13, "det"),
    "retinanet_resnet50_op11": (D.retinanet_resnet50_fpn, 320, 11, "det"),
    "fcos_resnet50_op12": (D.fcos_resnet50_fpn, 320, 12, "det"),
    "deeplabv3_resnet50_op12": (S.deeplabv3_resnet50, 224, 12, "seg"),
    "convnext_tiny_op14_nofold": (M.convnext_tiny, 224, 14, "nofold"),
    "vit_b_32_op14_nofold": (M.vit_b_32, 224, 14, "nofold"),
    "swin_t_op16_nofold": (M.swin_t, 224, 16, "nofold"),
    "mobilenet_v3_small_op12_nofold": (M.mobilenet_v3_small, 224, 12,
                                       "nofold"),
    "googlenet_op10_nofold": (M.googlenet, 224, 10, "nofold"),
    "regnet_x_400mf_op12_train": (M.regnet_x_400mf, 224, 12, "train"),
    "resnet34_op9": (M.resnet34, 224, 9, ""),
    "shufflenet_v2_x0_5_op9": (M.shufflenet_v2_x0_5, 224, 9, ""),
    "wide_resnet50_2_op12_dyn": (M.wide_resnet50_2, 224, 12, "dyn"),
    "efficientnet_b1_op15_dyn": (M.efficientnet_b1, 240, 15, "dyn"),
    "mnasnet0_5_op15_bn": (M.mnasnet0_5, 224, 15, "bn"),
    "encoder_op14_dyn": (Encoder, 16, 14, "seq dyn"),
    "lstm_op13": (Recurrent, 16, 13, "seq"),
    "gru_op11_nofold": (gru, 16, 11, "seq nofold"),
    "constnet_op14_nofold": (ConstNet, 16, 14, "seq nofold"),
    "fasterrcnn_mobilenet_320_op11": (
        D.fasterrcnn_mobilenet_v3_large_320_fpn, 320, 11, "det"),
}
SMALL = ["resnet18_op13_bn", "mobilenet_v3_small_op17",
         "shufflenet_v2_op11", "squeezenet1_0_op13_nhwc",
         "mobilenet_v2_op11_dyn", "efficientnet_b0_op13",
         "mobilenet_v3_small_op12_nofold", "encoder_op14_dyn",
         "lstm_op13", "gru_op11_nofold", "constnet_op14_nofold"]


def build(ctor, opts):
    kw = {"weights": None}
    if "det" in opts:
        kw["weights_backbone"] = None
    if "seg" in opts:
        kw["weights_backbone"] = None
        kw["aux_loss"] = None
    if "seq" in opts:
        return ctor().eval()
    if ctor in (M.googlenet, M.inception_v3):
        kw["aux_logits"] = False
        kw["init_weights"] = True
    net = ctor(**kw)
    if "det" in opts:
        net = DetectionOut(net)
    if "seg" in opts:
        net = SegOut(net)
    if "nhwc" in opts:
        net = ChannelsLast(net)
    return net.eval()


def export(name, out):
    ctor, size, opset, opts = FULL[name]
    torch.manual_seed(0)
    net = build(ctor, opts.split())
    shape = (1, size, size, 3) if "nhwc" in opts else (1, 3, size, size)
    if "seq" in opts:
        shape = (1, size, 64)
    # BatchNormalization statistics as training leaves them (measured on
    # random batches, not the identity), so that a wrong fold shows in the
    # numbers and activations keep a trained network's scale.
    if "det" not in opts:
        for m in net.modules():
            if isinstance(m, torch.nn.modules.batchnorm._BatchNorm):
                m.momentum = None
        net.train()
        with torch.no_grad():
            for _ in range(2):
                net(torch.rand(2, *shape[1:]))
        net.eval()
    x = torch.rand(*shape)
    dyn = {"input": {0: "batch"}} if "dyn" in opts else None
    if "dyn" in opts and "seq" in opts:
        dyn = {"input": {0: "batch", 1: "seq"}}
    kw = {}
    if "bn" in opts:
        # The exporter folds BatchNormalization into Conv in EVAL mode;
        # PRESERVE keeps the eval-mode model's BatchNormalization nodes.
        kw["training"] = torch.onnx.TrainingMode.PRESERVE
    if "train" in opts:
        kw["training"] = torch.onnx.TrainingMode.TRAINING
    if "nofold" in opts:
        kw["do_constant_folding"] = False
    # Not under no_grad: with gradients enabled nn.MultiheadAttention
    # takes its exportable path instead of the fused kernel.
    torch.onnx.export(net, x, out, opset_version=opset,
                      input_names=["input"], dynamic_axes=dyn, **kw)


def main(argv):
    if len(argv) < 2:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 64
    outdir = argv[1]
    names = []
    which = "small"
    rest = argv[2:]
    while rest:
        a = rest.pop(0)
        if a == "--set" and rest:
            which = rest.pop(0)
        elif a in FULL:
            names.append(a)
        else:
            print("zoo: unknown model or option '%s'" % a, file=sys.stderr)
            return 64
    if not names:
        if which not in ("small", "full"):
            print("zoo: --set is small or full", file=sys.stderr)
            return 64
        names = SMALL if which == "small" else list(FULL)
    os.makedirs(outdir, exist_ok=True)
    torch.set_num_threads(1)
    import warnings
    warnings.filterwarnings("ignore")
    for name in names:
        out = os.path.join(outdir, name + ".onnx")
        if os.path.exists(out):
            continue
        t = time.time()
        tmp = out + ".tmp"
        export(name, tmp)
        os.replace(tmp, out)
        import onnx
        n = len(onnx.load(out, load_external_data=False).graph.node)
        print("zoo: %s nodes=%d seconds=%.1f" % (name, n, time.time() - t))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
