#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
#
# Writes the golden cases of the defaults pass (testdata/defaults/
# *.textproto) in protobuf text format: for every rule one case that
# fires and one that must not.  Run from the project root:
#	python3 testdata/defaults/gen.py
# then `make golden-update` and review the .expect files.
import math
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from textproto import Model  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
F, F16, I64 = 1, 10, 7


def case(name, m):
    with open(os.path.join(HERE, name + ".textproto"), "w") as f:
        f.write(m.text())


def layernorm(name, what, eps, elem=F, args=None, op="LayerNormalization",
              opset=17, extra=None):
    m = Model(what, opsets={"": opset}, args=args)
    m.input("X", elem, [2, 4])
    m.init("G", elem, [4], [1.0] * 4)
    attrs = [] if eps is None else [("epsilon", eps)]
    ins = ["X", "G"] if op == "LayerNormalization" else ["X", "G", "B"]
    if op != "LayerNormalization":
        m.init("B", elem, [4], [0.0] * 4)
    m.node(op, ins, ["Y"], attrs=attrs)
    for e in extra or []:
        m.node(op, ins, [e[0]], attrs=[("epsilon", e[1])])
        m.output(e[0], elem, [2, 4])
    m.output("Y", elem, [2, 4])
    case(name, m)


# --- epsilon ------------------------------------------------------------
layernorm("eps-expect", "Keras epsilon under --expect pytorch", 1e-3,
          args="--expect pytorch")
layernorm("eps-expect-ok", "Keras epsilon under --expect keras: no finding",
          1e-3, args="--expect keras")
layernorm("eps-default", "default epsilon under --expect pytorch: no "
          "finding", None, args="--expect pytorch")
layernorm("eps-default-keras", "default epsilon under --expect keras",
          None, args="--expect keras")
layernorm("eps-fp16", "BERT epsilon 1e-12 on float16 input: becomes 0",
          1e-12, elem=F16)
layernorm("eps-fp32", "BERT epsilon 1e-12 on float32 input: no finding",
          1e-12)
layernorm("eps-mix", "two LayerNormalization epsilons in one model", 1e-5,
          extra=[("Y2", 1e-6)])
layernorm("eps-same", "the same epsilon twice: no finding", 1e-5,
          extra=[("Y2", 1e-5)])



def decomposed_ln(name, what, eps, elem=F, args=None):
    """LayerNormalization as PyTorch writes it below opset 17."""
    m = Model(what, opsets={"": 14}, args=args)
    m.input("X", elem, [2, 4])
    m.init("two", elem, [], [2.0])
    m.init("eps", elem, [], [eps])
    m.node("ReduceMean", ["X"], ["mean"], attrs=[("axes", [-1])])
    m.node("Sub", ["X", "mean"], ["d"])
    m.node("Pow", ["d", "two"], ["sq"])
    m.node("ReduceMean", ["sq"], ["var"], attrs=[("axes", [-1])])
    m.node("Add", ["var", "eps"], ["ve"])
    m.node("Sqrt", ["ve"], ["sd"])
    m.node("Div", ["d", "sd"], ["Y"])
    m.output("Y", elem, [2, 4])
    case(name, m)


decomposed_ln("eps-decomposed", "decomposed LayerNorm with BERT's 1e-12 "
              "under --expect pytorch", 1e-12, args="--expect pytorch")
decomposed_ln("eps-decomposed-ok", "decomposed LayerNorm with 1e-5 under "
              "--expect pytorch: no finding", 1e-5, args="--expect pytorch")
decomposed_ln("eps-decomposed-fp16", "decomposed LayerNorm converted to "
              "float16: its 1e-12 became 0", 0.0, elem=F16)

# --- GELU ---------------------------------------------------------------
def gelu20(name, what, approx, args):
    m = Model(what, opsets={"": 20}, args=args)
    m.input("X", F, [4])
    attrs = [] if approx is None else [("approximate", approx)]
    m.node("Gelu", ["X"], ["Y"], attrs=attrs)
    m.output("Y", F, [4])
    case(name, m)


gelu20("gelu-tanh-expect", "Gelu-20 tanh under --expect pytorch", "tanh",
       "--expect pytorch")
gelu20("gelu-erf-expect", "Gelu-20 default (erf) under --expect pytorch: "
       "no finding", None, "--expect pytorch")


def tanh_gelu(m, x, y, p):
    """0.5*x*(1+tanh(sqrt(2/pi)*(x+0.044715*x^3))), as exporters write it."""
    m.init(p + "three", F, [], [3.0])
    m.init(p + "c1", F, [], [0.044715])
    m.init(p + "c2", F, [], [math.sqrt(2 / math.pi)])
    m.init(p + "one", F, [], [1.0])
    m.init(p + "half", F, [], [0.5])
    m.node("Pow", [x, p + "three"], [p + "cube"])
    m.node("Mul", [p + "cube", p + "c1"], [p + "a"])
    m.node("Add", [x, p + "a"], [p + "b"])
    m.node("Mul", [p + "b", p + "c2"], [p + "c"])
    m.node("Tanh", [p + "c"], [p + "t"])
    m.node("Add", [p + "t", p + "one"], [p + "d"])
    m.node("Mul", [x, p + "half"], [p + "e"])
    m.node("Mul", [p + "e", p + "d"], [y])


def erf_gelu(m, x, y, p):
    """x*0.5*(1+erf(x/sqrt(2))), as torch.onnx writes nn.GELU()."""
    m.init(p + "sqrt2", F, [], [1.4142135381698608])
    m.init(p + "one", F, [], [1.0])
    m.init(p + "half", F, [], [0.5])
    m.node("Div", [x, p + "sqrt2"], [p + "a"])
    m.node("Erf", [p + "a"], [p + "b"])
    m.node("Add", [p + "b", p + "one"], [p + "c"])
    m.node("Mul", [x, p + "c"], [p + "d"])
    m.node("Mul", [p + "d", p + "half"], [y])


m = Model("decomposed tanh GELU, no --expect", opsets={"": 14})
m.input("X", F, [4])
tanh_gelu(m, "X", "Y", "g_")
m.output("Y", F, [4])
case("gelu-tanh-decomposed", m)

m = Model("decomposed erf GELU, --expect pytorch: no finding",
          opsets={"": 14}, args="--expect pytorch")
m.input("X", F, [4])
erf_gelu(m, "X", "Y", "g_")
m.output("Y", F, [4])
case("gelu-erf-decomposed", m)

m = Model("a tanh that is not a GELU (no 0.044715): no finding",
          opsets={"": 14}, args="--expect pytorch")
m.input("X", F, [4])
m.init("c", F, [], [math.sqrt(2 / math.pi)])
m.node("Mul", ["X", "c"], ["A"])
m.node("Tanh", ["A"], ["Y"])
m.output("Y", F, [4])
case("gelu-plain-tanh", m)

m = Model("erf GELU and ONNX Runtime FastGelu (tanh) in one model",
          opsets={"": 14, "com.microsoft": 1})
m.input("X", F, [4])
erf_gelu(m, "X", "A", "g_")
m.node("FastGelu", ["A"], ["Y"], domain="com.microsoft")
m.output("Y", F, [4])
case("gelu-mixed", m)

m = Model("ONNX Runtime QuickGelu under --expect keras",
          opsets={"": 14, "com.microsoft": 1}, args="--expect keras")
m.input("X", F, [4])
m.node("QuickGelu", ["X"], ["Y"], domain="com.microsoft")
m.output("Y", F, [4])
case("gelu-quick", m)


# --- Resize -------------------------------------------------------------
def resize(name, what, attrs, args, rank=4, opset=13):
    m = Model(what, opsets={"": opset}, args=args)
    shape = [1, 1, 4, 4][4 - rank:]
    m.input("X", F, shape)
    m.init("scales", F, [rank], [1.0] * (rank - 2) + [2.0, 2.0])
    m.node("Resize", ["X", "", "scales"], ["Y"], attrs=attrs)
    m.output("Y", F, None)
    case(name, m)


resize("resize-pytorch-nearest", "nearest with half_pixel and ceil under "
       "--expect pytorch",
       [("mode", "nearest"), ("coordinate_transformation_mode", "half_pixel"),
        ("nearest_mode", "ceil")], "--expect pytorch")
resize("resize-pytorch-ok", "PyTorch's nearest (asymmetric, floor): no "
       "finding",
       [("mode", "nearest"), ("coordinate_transformation_mode", "asymmetric"),
        ("nearest_mode", "floor")], "--expect pytorch")
resize("resize-tf-cubic", "bicubic with a=-0.75 under --expect tf",
       [("mode", "cubic"), ("coordinate_transformation_mode", "half_pixel")],
       "--expect tf")
resize("resize-tf-cubic-ok", "bicubic with a=-0.5 under --expect tf: no "
       "finding",
       [("mode", "cubic"), ("coordinate_transformation_mode", "half_pixel"),
        ("cubic_coeff_a", -0.5)], "--expect tf")
resize("resize-tensorrt", "tf_crop_and_resize and cubic on TensorRT",
       [("mode", "cubic"),
        ("coordinate_transformation_mode", "tf_crop_and_resize")],
       "--target tensorrt")
resize("resize-targets-ok", "linear half_pixel on rank 4: TensorRT and "
       "onnx2tf take it",
       [("mode", "linear")], "--target tensorrt,tflite")
resize("resize-tflite-rank", "rank-3 Resize on tflite",
       [("mode", "linear")], "--target tflite", rank=3)


# --- AveragePool --------------------------------------------------------
def avgpool(m, x, y, pads, cip):
    attrs = [("kernel_shape", [3, 3]), ("pads", pads)]
    if cip is not None:
        attrs.append(("count_include_pad", cip))
    m.node("AveragePool", [x], [y], attrs=attrs)


m = Model("padded AveragePool excluding pads under --expect pytorch",
          opsets={"": 13}, args="--expect pytorch")
m.input("X", F, [1, 1, 4, 4])
avgpool(m, "X", "Y", [1, 1, 1, 1], None)
m.output("Y", F, [1, 1, 4, 4])
case("avgpool-pytorch", m)

m = Model("unpadded AveragePool under --expect pytorch: no finding",
          opsets={"": 13}, args="--expect pytorch")
m.input("X", F, [1, 1, 4, 4])
avgpool(m, "X", "Y", [0, 0, 0, 0], None)
m.output("Y", F, [1, 1, 2, 2])
case("avgpool-nopad", m)

m = Model("two padded pools, one counting the pads", opsets={"": 13})
m.input("X", F, [1, 1, 4, 4])
avgpool(m, "X", "A", [1, 1, 1, 1], 1)
avgpool(m, "A", "Y", [1, 1, 1, 1], 0)
m.output("Y", F, [1, 1, 4, 4])
case("avgpool-mix", m)


# --- Softmax ------------------------------------------------------------
def softmax(name, what, opset, axis, rank=4, op="Softmax"):
    m = Model(what, opsets={"": opset})
    shape = [2, 3, 4, 5][:rank]
    m.input("X", F, shape)
    attrs = [] if axis is None else [("axis", axis)]
    m.node(op, ["X"], ["Y"], attrs=attrs)
    m.output("Y", F, shape)
    case(name, m)


softmax("softmax-opset11", "Softmax axis 1 on rank 4 at opset 11", 11, None)
softmax("logsoftmax-opset12", "LogSoftmax axis -2 on rank 4 at opset 12",
        12, -2, op="LogSoftmax")
softmax("softmax-last-axis", "Softmax on the last axis at opset 11: no "
        "finding", 11, -1)
m = Model("Softmax axis 1 on [N, C, 1, 1] at opset 11: no finding",
          opsets={"": 11})
m.input("X", F, [2, 10, 1, 1])
m.node("Softmax", ["X"], ["Y"])
m.output("Y", F, [2, 10, 1, 1])
case("softmax-unit-dims", m)
softmax("softmax-rank2", "Softmax axis 1 on rank 2 at opset 11: no finding",
        11, None, rank=2)
softmax("softmax-opset13", "Softmax axis 1 on rank 4 at opset 13: no "
        "finding", 13, 1)


# --- Pad ----------------------------------------------------------------
def pad(name, what, mode, opset, args=None):
    m = Model(what, opsets={"": opset}, args=args)
    m.input("X", F, [1, 1, 4, 4])
    m.init("pads", I64, [8], [0, 0, 1, 1, 0, 0, 1, 1])
    m.node("Pad", ["X", "pads"], ["Y"], attrs=[("mode", mode)])
    m.output("Y", F, [1, 1, 6, 6])
    case(name, m)


pad("pad-wrap-opset18", "wrap at opset 18", "wrap", 18)
pad("pad-wrap-opset19", "wrap at opset 19: no finding", "wrap", 19)
pad("pad-unknown", "TensorFlow's SYMMETRIC is no ONNX mode", "symmetric", 18)
pad("pad-tflite-edge", "edge padding on tflite", "edge", 18,
    "--target tflite")
pad("pad-tflite-reflect", "reflect padding on tflite: no finding",
    "reflect", 18, "--target tflite")


# --- auto_pad -----------------------------------------------------------
def conv(name, what, auto_pad, args=None):
    m = Model(what, opsets={"": 13}, args=args)
    m.input("X", F, [1, 1, 4, 4])
    m.init("W", F, [1, 1, 2, 2], [0.25] * 4)
    attrs = [("kernel_shape", [2, 2])]
    if auto_pad is not None:
        attrs.append(("auto_pad", auto_pad))
    else:
        attrs.append(("pads", [0, 0, 1, 1]))
    m.node("Conv", ["X", "W"], ["Y"], attrs=attrs)
    m.output("Y", F, [1, 1, 4, 4])
    case(name, m)


conv("autopad", "Conv with auto_pad SAME_UPPER", "SAME_UPPER")
conv("same-lower-tf", "Conv with SAME_LOWER under --expect tf",
     "SAME_LOWER", "--expect tf")
conv("explicit-pads", "Conv with explicit pads under --expect tf: no "
     "finding", None, "--expect tf")

# --- clean --------------------------------------------------------------
m = Model("defaults everywhere, --expect pytorch, TensorRT and tflite: no "
          "finding", opsets={"": 17},
          args="--expect pytorch --target tensorrt,tflite")
m.input("X", F, [1, 2, 4, 4])
m.init("G", F, [4], [1.0] * 4)
m.node("LayerNormalization", ["X", "G"], ["A"])
erf_gelu(m, "A", "B", "g_")
m.init("scales", F, [4], [1.0, 1.0, 2.0, 2.0])
m.node("Resize", ["B", "", "scales"], ["C"],
       attrs=[("mode", "linear"),
              ("coordinate_transformation_mode", "pytorch_half_pixel")])
m.node("AveragePool", ["C"], ["D"],
       attrs=[("kernel_shape", [3, 3]), ("pads", [1, 1, 1, 1]),
              ("count_include_pad", 1)])
m.node("Softmax", ["D"], ["Y"], attrs=[("axis", 1)])
m.output("Y", F, None)
case("clean", m)


# --- GRU linear_before_reset ---------------------------------------------
def gru(name, what, lbr, args=None, producer=None):
    m = Model(what, opsets={"": 14}, args=args, producer=producer)
    m.input("X", F, [5, 1, 3])
    m.init("W", F, [1, 12, 3], [0.1] * 36)
    m.init("R", F, [1, 12, 4], [0.1] * 48)
    attrs = [("hidden_size", 4)]
    if lbr is not None:
        attrs.append(("linear_before_reset", lbr))
    m.node("GRU", ["X", "W", "R"], ["Y"], attrs=attrs)
    m.output("Y", F, [5, 1, 1, 4])
    case(name, m)


gru("gru-pytorch-producer", "GRU without linear_before_reset from PyTorch",
    None, producer="pytorch")
gru("gru-pytorch-producer-ok", "GRU with linear_before_reset=1 from "
    "PyTorch: no finding", 1, producer="pytorch")
gru("gru-expect-keras", "GRU with linear_before_reset=0 under --expect "
    "keras", 0, args="--expect keras")
gru("gru-expect-tf", "GRU with linear_before_reset=1 under --expect tf",
    1, args="--expect tf")
gru("gru-expect-tf-ok", "GRU without linear_before_reset under --expect "
    "tf: no finding", None, args="--expect tf")
gru("gru-none", "GRU without linear_before_reset, no producer, no "
    "--expect: no finding", None)


# --- activation coefficients ---------------------------------------------
def act(name, what, op, attrs, args=None):
    m = Model(what, opsets={"": 13}, args=args)
    m.input("X", F, [2, 4])
    m.node(op, ["X"], ["Y"], attrs=attrs)
    m.output("Y", F, [2, 4])
    case(name, m)


act("leakyrelu-keras-default", "LeakyRelu without alpha under --expect "
    "keras", "LeakyRelu", [], "--expect keras")
act("leakyrelu-keras-ok", "LeakyRelu alpha 0.3 under --expect keras: no "
    "finding", "LeakyRelu", [("alpha", 0.3)], "--expect keras")
act("leakyrelu-tf-darknet", "LeakyRelu alpha 0.1 under --expect tf",
    "LeakyRelu", [("alpha", 0.1)], "--expect tf")
act("leakyrelu-pytorch-ok", "LeakyRelu without alpha under --expect "
    "pytorch: no finding", "LeakyRelu", [], "--expect pytorch")
act("hardsigmoid-paddle", "PaddleOCR's HardSigmoid slope 0.2 under "
    "--expect pytorch", "HardSigmoid", [("alpha", 0.2), ("beta", 0.5)],
    "--expect pytorch")
act("hardsigmoid-default-pytorch", "HardSigmoid without attributes under "
    "--expect pytorch", "HardSigmoid", [], "--expect pytorch")
act("hardsigmoid-pytorch-ok", "HardSigmoid 1/6 under --expect pytorch: "
    "no finding", "HardSigmoid", [("alpha", 1.0 / 6), ("beta", 0.5)],
    "--expect pytorch")
act("hardsigmoid-keras-ok", "HardSigmoid without attributes under "
    "--expect keras: no finding", "HardSigmoid", [], "--expect keras")
act("selu-default", "Selu without alpha and gamma", "Selu", [])
act("selu-explicit", "Selu with the exact alpha and gamma: no finding",
    "Selu", [("alpha", 1.6732632423543772), ("gamma", 1.0507009873554805)])

# --- training behaviour --------------------------------------------------
def dropout(name, what, train, opsets=None):
    m = Model(what, opsets=opsets or {"": 13})
    m.input("X", F, [2, 4])
    m.init("ratio", F, [], [0.5])
    m.init("train", 9, [], [train])
    m.node("Dropout", ["X", "ratio", "train"], ["Y"])
    if opsets and "ai.onnx.preview.training" in opsets:
        m.init("R", F, [], [0.1])
        m.init("T", I64, [], [0])
        m.node("Adam", ["R", "T", "X", "X", "X", "X"], ["X2", "V2", "H2"],
               domain="ai.onnx.preview.training",
               attrs=[("epsilon", 1e-8)])
        m.output("X2", F, [2, 4])
    m.output("Y", F, [2, 4])
    case(name, m)


dropout("dropout-training", "Dropout with training_mode constant true",
        True)
dropout("dropout-eval", "Dropout with training_mode constant false: no "
        "finding", False)
dropout("dropout-training-graph", "Dropout in training mode in a model "
        "that trains (Adam): no finding", True,
        opsets={"": 13, "ai.onnx.preview.training": 1})


def random(name, what, op, attrs, ins):
    m = Model(what, opsets={"": 15})
    m.input("X", F, [2, 4])
    m.node(op, ins, ["R"], attrs=attrs)
    m.node("Add", ["X", "R"], ["Y"])
    m.output("Y", F, [2, 4])
    case(name, m)


random("random-normal-like", "RandomNormalLike in an inference graph",
       "RandomNormalLike", [], ["X"])
random("random-uniform-seed", "seeded RandomUniform in an inference graph",
       "RandomUniform", [("shape", [2, 4]), ("seed", 1.0)], [])
m = Model("Bernoulli in an inference graph", opsets={"": 15})
m.input("X", F, [2, 4])
m.node("Bernoulli", ["X"], ["Y"])
m.output("Y", F, [2, 4])
case("random-bernoulli", m)
m = Model("an inference graph without random operators: no finding",
          opsets={"": 15})
m.input("X", F, [2, 4])
m.init("N", F, [2, 4], [0.5] * 8)
m.node("Add", ["X", "N"], ["Y"])
m.output("Y", F, [2, 4])
case("random-none", m)


# --- optimizer epsilon ---------------------------------------------------
def optimizer(name, what, op, eps, args=None):
    m = Model(what, opsets={"": 13, "ai.onnx.preview.training": 1},
              args=args)
    m.input("X", F, [4])
    m.input("G", F, [4])
    m.input("H", F, [4])
    m.input("V", F, [4])
    m.init("R", F, [], [0.1])
    m.init("T", I64, [], [0])
    attrs = [] if eps is None else [("epsilon", eps)]
    if op == "Adam":
        m.node("Adam", ["R", "T", "X", "G", "V", "H"], ["X2", "V2", "H2"],
               domain="ai.onnx.preview.training", attrs=attrs)
    else:
        m.node("Adagrad", ["R", "T", "X", "G", "H"], ["X2", "H2"],
               domain="ai.onnx.preview.training", attrs=attrs)
    m.output("X2", F, [4])
    case(name, m)


optimizer("adam-no-eps", "Adam without epsilon", "Adam", None)
optimizer("adam-no-eps-keras", "Adam without epsilon under --expect keras",
          "Adam", None, "--expect keras")
optimizer("adagrad-no-eps-pytorch", "Adagrad without epsilon under "
          "--expect pytorch", "Adagrad", None, "--expect pytorch")
optimizer("adam-eps", "Adam with epsilon 1e-8: no finding", "Adam", 1e-8)


# --- float16 readiness (--target fp16) -----------------------------------
def fp16(name, what, build, opset=13):
    m = Model(what, opsets={"": opset}, args="--target fp16")
    build(m)
    case(name, m)


def mask(v):
    def b(m):
        m.input("X", F, [2, 4])
        m.node("Constant", [], ["M"], name="mask",
               attrs=[("value", ("tensor", F, [], [v]))])
        m.node("Add", ["X", "M"], ["Y"], name="add_mask")
        m.output("Y", F, [2, 4])
    return b


fp16("fp16-mask", "-1e9 attention mask constant", mask(-1e9))
fp16("fp16-mask-ok", "-1e4 attention mask constant: no finding",
     mask(-1e4))


def finfo_min(m):
    m.input("X", F, [2, 4])
    m.init("causal", F, [2, 4], [0.0, -3.4028234663852886e38] * 4)
    m.node("Add", ["X", "causal"], ["A"], name="add_causal")
    m.node("Softmax", ["A"], ["Y"], attrs=[("axis", -1)])
    m.output("Y", F, [2, 4])


fp16("fp16-finfo-min", "finfo(float32).min causal-mask initializer",
     finfo_min)


def clamp(hi):
    def b(m):
        m.input("X", F, [2, 4])
        m.init("lo", F, [], [-hi])
        m.init("hi", F, [], [hi])
        m.node("Clip", ["X", "lo", "hi"], ["Y"], name="clamp")
        m.output("Y", F, [2, 4])
    return b


fp16("fp16-clamp", "Clip at +-1e5", clamp(1e5))
fp16("fp16-clamp-ok", "Clip at +-1e4: no finding", clamp(1e4))


def log_clamp(eps):
    def b(m):
        m.input("X", F, [2, 4])
        m.node("Constant", [], ["E"], name="log_eps",
               attrs=[("value", ("tensor", F, [], [eps]))])
        m.node("Max", ["X", "E"], ["C"], name="clamp_min")
        m.node("Log", ["C"], ["Y"])
        m.output("Y", F, [2, 4])
    return b


fp16("fp16-log-clamp", "log clamp at 1e-10", log_clamp(1e-10))
fp16("fp16-log-clamp-ok", "log clamp at 1e-4: no finding", log_clamp(1e-4))
fp16("fp16-subnormal", "decomposed-norm epsilon 1e-6 (subnormal)",
     log_clamp(1e-6))


def l2norm(m):
    m.input("X", F, [2, 4])
    m.init("axes", I64, [1], [1])
    m.node("ReduceL2", ["X"], ["N"], attrs=[("axes", [1])])
    m.init("eps", F, [], [1e-12])
    m.node("Add", ["N", "eps"], ["D"], name="l2_eps")
    m.node("Div", ["X", "D"], ["Y"])
    m.output("Y", F, [2, 4])


fp16("fp16-l2norm", "L2 normalisation with epsilon 1e-12 (initializer)",
     l2norm)


def resize(sizes):
    def b(m):
        m.input("X", F, [1, 1, 2, 2])
        if sizes:
            m.init("sizes", I64, [4], [1, 1, 4, 4])
            m.node("Resize", ["X", "", "", "sizes"], ["Y"], name="up",
                   attrs=[("mode", "nearest")])
        else:
            m.init("scales", F, [4], [1.0, 1.0, 2.0, 2.0])
            m.node("Resize", ["X", "", "scales"], ["Y"], name="up",
                   attrs=[("mode", "nearest")])
        m.output("Y", F, [1, 1, 4, 4])
    return b


fp16("fp16-resize-scales", "Resize with float scales", resize(False))
fp16("fp16-resize-sizes", "Resize with int64 sizes: no finding",
     resize(True))


def softplus_by_hand(m):
    m.input("X", F, [2, 4])
    m.node("Exp", ["X"], ["E"], name="exp")
    m.init("one", F, [], [1.0])
    m.node("Add", ["E", "one"], ["A"])
    m.node("Log", ["A"], ["Y"])
    m.output("Y", F, [2, 4])


def softmax_by_hand(m):
    m.input("X", F, [2, 4])
    m.node("ReduceMax", ["X"], ["M"], attrs=[("axes", [1])])
    m.node("Sub", ["X", "M"], ["Z"])
    m.node("Exp", ["Z"], ["E"], name="exp")
    m.node("ReduceSum", ["E"], ["S"], attrs=[("axes", [1])])
    m.node("Div", ["E", "S"], ["Y"])
    m.node("Softplus", ["X"], ["Y2"])
    m.output("Y", F, [2, 4])
    m.output("Y2", F, [2, 4])


fp16("fp16-exp", "softplus written out: log(1 + exp(x))",
     softplus_by_hand, opset=11)
fp16("fp16-exp-ok", "exp(z - max z) and Softplus: no finding",
     softmax_by_hand, opset=11)


def reduce(elem, n):
    def b(m):
        m.input("X", elem, [2, n])
        m.node("ReduceSum", ["X"], ["Y"], name="count",
               attrs=[("axes", [1])])
        m.output("Y", elem, [2, 1])
    return b


fp16("fp16-reduce", "float ReduceSum over 4096 elements", reduce(F, 4096),
     opset=11)
fp16("fp16-reduce-ok", "ReduceSum over 4096 int64 elements: no finding",
     reduce(I64, 4096), opset=11)
fp16("fp16-reduce-small", "float ReduceSum over 2048 elements: no finding",
     reduce(F, 2048), opset=11)


def cast_island(cast):
    def b(m):
        m.input("X", F, [2, 4])
        x = "X"
        if cast:
            m.node("Cast", ["X"], ["XF"], name="upcast", attrs=[("to", 1)])
            x = "XF"
        m.node("Softmax", [x], ["Y"], name="softmax",
               attrs=[("axis", -1)])
        m.output("Y", F, [2, 4])
    return b


fp16("fp16-cast-island", "the exporter's Cast(to=FLOAT) before Softmax",
     cast_island(True))
fp16("fp16-cast-island-ok", "Softmax without the Cast: no finding",
     cast_island(False))


# --- asymmetric pads against the targets ---------------------------------
def conv_pads(name, what, pads, args, kernel=3, stride=2, op="Conv"):
    m = Model(what, opsets={"": 13}, args=args)
    m.input("X", F, [1, 1, 4, 4])
    attrs = [("kernel_shape", [kernel, kernel]), ("strides", [stride, stride]),
             ("pads", pads)]
    if op == "Conv":
        m.init("W", F, [1, 1, kernel, kernel], [0.1] * kernel * kernel)
        m.node("Conv", ["X", "W"], ["Y"], name="conv", attrs=attrs)
    else:
        m.node(op, ["X"], ["Y"], name="pool", attrs=attrs)
    m.output("Y", F, None)
    case(name, m)


conv_pads("pads-tflite-same", "Conv with TF SAME as explicit pads, "
          "--target tflite", [0, 0, 1, 1], "--target tflite")
conv_pads("pads-tflite-asym", "MaxPool with other asymmetric pads, "
          "--target tflite", [1, 1, 0, 0], "--target tflite", op="MaxPool")
conv_pads("pads-tflite-sym", "Conv with symmetric pads, --target tflite: "
          "no finding", [1, 1, 1, 1], "--target tflite")
conv_pads("pads-no-target", "Conv with asymmetric pads, no --target: no "
          "finding", [0, 0, 1, 1], None)
conv_pads("pads-ort", "Conv with asymmetric pads, --target ort-cpu: no "
          "finding", [0, 0, 1, 1], "--target ort-cpu")
