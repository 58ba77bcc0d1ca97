#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
#
# Writes the golden input models of the BatchNormalization passes as
# textprotos: testdata/bn_check/, testdata/bn_normalize/, testdata/bn_fold/
# (CASE.textproto, with a "# args:" line where the case needs options).
# Standard library only; the numbers are small and chosen by hand.  After
# changing a case, run this from the project root, then `make
# golden-update` and review the diff.
import os

DT = {"float": 1, "double": 11, "float16": 10}


def tensor(name, dims, vals, dt="float"):
    s = "".join("    dims: %d\n" % d for d in dims)
    s += "    data_type: %d\n" % DT[dt]
    if dt == "double":
        s += "".join("    double_data: %r\n" % float(v) for v in vals)
    else:
        s += "".join("    float_data: %r\n" % float(v) for v in vals)
    s += '    name: "%s"\n' % name
    return s


def attr(name, v):
    if isinstance(v, float):
        return '    attribute {\n      name: "%s"\n      f: %r\n' \
            "      type: FLOAT\n    }\n" % (name, v)
    if isinstance(v, int):
        return '    attribute {\n      name: "%s"\n      i: %d\n' \
            "      type: INT\n    }\n" % (name, v)
    if isinstance(v, list):
        return '    attribute {\n      name: "%s"\n' % name + \
            "".join("      ints: %d\n" % x for x in v) + \
            "      type: INTS\n    }\n"
    if isinstance(v, tuple):	# a tensor for Constant
        return '    attribute {\n      name: "%s"\n      t {\n' % name + \
            "".join("  " + line + "\n"
                    for line in tensor(*v).rstrip("\n").split("\n")) + \
            "      }\n      type: TENSOR\n    }\n"
    raise TypeError(v)


def node(op, ins, outs, name=None, **attrs):
    s = "  node {\n"
    s += "".join('    input: "%s"\n' % i for i in ins)
    s += "".join('    output: "%s"\n' % o for o in outs)
    if name:
        s += '    name: "%s"\n' % name
    s += '    op_type: "%s"\n' % op
    for k, v in attrs.items():
        s += attr(k, v)
    return s + "  }\n"


def vi(kind, name, dims, dt="float"):
    s = "  %s {\n    name: \"%s\"\n    type {\n      tensor_type {\n" \
        "        elem_type: %d\n        shape {\n" % (kind, name, DT[dt])
    s += "".join("          dim {\n            dim_value: %d\n"
                 "          }\n" % d for d in dims)
    return s + "        }\n      }\n    }\n  }\n"


def model(comment, nodes, inits, inputs, outputs, opset=14, ir=8,
          producer="onnxfix-tests"):
    s = "# %s\nir_version: %d\nproducer_name: \"%s\"\ngraph {\n" % (
        comment, ir, producer)
    s += "".join(nodes)
    s += '  name: "g"\n'
    s += "".join("  initializer {\n" + t + "  }\n" for t in inits)
    s += "".join(vi("input", *i) for i in inputs)
    s += "".join(vi("output", *o) for o in outputs)
    s += "}\nopset_import {\n  domain: \"\"\n  version: %d\n}\n" % opset
    return s


def bn_params(p, c=2, mean=(0.5, -1.0), var=(0.25, 4.0),
              scale=(2.0, 0.5), bias=(0.1, -0.2), dt="float"):
    return [tensor(p + ".scale", [c], scale[:c], dt),
            tensor(p + ".B", [c], bias[:c], dt),
            tensor(p + ".mean", [c], mean[:c], dt),
            tensor(p + ".var", [c], var[:c], dt)]


def bn(x, y, p, name="bn", outs=None, **a):
    return node("BatchNormalization",
                [x, p + ".scale", p + ".B", p + ".mean", p + ".var"],
                outs or [y], name, **a)


X4 = ("X", [1, 2, 2, 2])
Y4 = ("Y", [1, 2, 2, 2])
W = tensor("W", [2, 2, 1, 1], [1.0, 2.0, -1.0, 0.5])
B = tensor("b", [2], [0.25, -0.5])


def conv(x="X", y="Z", w="W", b="b", name="conv", **a):
    return node("Conv", [x, w] + ([b] if b else []), [y], name, **a)


def bn_only(comment, opset=14, **a):
    return model(comment, [bn("X", "Y", "p", **a)], bn_params("p"),
                 [X4], [Y4], opset)


CASES = {
    "bn_check": {
        "defaults": bn_only(
            "must not: ONNX defaults (epsilon 1e-5, momentum 0.9)",
            epsilon=1e-5, momentum=0.9),
        "eps-keras": bn_only(
            "B601, B606, B610: Keras epsilon and momentum, no --expect",
            epsilon=1e-3, momentum=0.99),
        "eps-keras-expect-keras": (bn_only(
            "must not: Keras values with --expect keras",
            epsilon=1e-3, momentum=0.99), "--expect keras"),
        "eps-expect-onnx": (bn_only(
            "B600, B605: Keras values with --expect onnx (impact from "
            "var 0.25 and 4)", epsilon=1e-3, momentum=0.99),
            "--expect onnx"),
        "eps-tf-clamp": bn_only(
            "B601: the TF fused-BN clamp 1.001e-5 is not 1e-5",
            epsilon=1.001e-5),
        "eps-tf-expect-tf": (bn_only(
            "must not: 1.001e-5 is TF's with --expect tf",
            epsilon=1.001e-5), "--expect tf"),
        "eps-float32": bn_only(
            "must not: 1e-5 as float32 (9.99999974738e-06) is the default",
            epsilon=9.99999974738e-06),
        "eps-absent": bn_only("B603: no epsilon attribute"),
        "eps-mixed": model(
            "B601, B602, B610: two epsilons in one model",
            [bn("X", "T", "p", "bn1", epsilon=1e-5),
             bn("T", "U", "p", "bn2", epsilon=1e-5),
             bn("U", "Y", "p", "bn3", epsilon=1e-3)],
            bn_params("p"), [X4], [Y4]),
        "momentum-torch": bn_only(
            "B604: momentum 0.1 is PyTorch's, not converted",
            epsilon=1e-5, momentum=0.1),
        "training": model(
            "B607: training_mode=1 at opset 14",
            [bn("X", "Y", "p", outs=["Y", "rm", "rv"], epsilon=1e-5,
                training_mode=1)],
            bn_params("p"), [X4], [Y4]),
        "training-off": bn_only(
            "must not: training_mode=0", epsilon=1e-5, training_mode=0),
        "legacy-opset6": bn_only(
            "B608: consumed_inputs, is_test and spatial=1 at opset 6",
            opset=6, epsilon=1e-5, is_test=1, spatial=1,
            consumed_inputs=[0, 0, 0, 1, 1]),
        "legacy-opset6-training": bn_only(
            "B607: is_test absent at opset 6 means training mode",
            opset=6, epsilon=1e-5),
        "nonspatial": bn_only(
            "B609: spatial=0 at opset 7", opset=7, epsilon=1e-5, spatial=0),
        "malformed": model(
            "must not crash: BNs without Y, without inputs, without X",
            [node("BatchNormalization", ["X"], [""], "bn1", epsilon=1e-3),
             node("BatchNormalization", [], ["T"], "bn2"),
             node("BatchNormalization", ["", "p.scale"], ["Y"], "bn3")],
            bn_params("p"), [X4], [Y4]),
        "eps-fp16": model(
            "B611: epsilon 1e-5 is subnormal for a float16 input",
            [bn("X", "Y", "p", epsilon=1e-5)], bn_params("p"),
            [("X", [1, 2, 2, 2], "float16")],
            [("Y", [1, 2, 2, 2], "float16")], opset=15),
        "eps-fp16-tiny": model(
            "B601, B611, B610: epsilon 1e-12 is zero in float16",
            [bn("X", "Y", "p", epsilon=1e-12)], bn_params("p"),
            [("X", [1, 2, 2, 2], "float16")],
            [("Y", [1, 2, 2, 2], "float16")], opset=15),
        "eps-fp16-keras": model(
            "must not B611: 1e-3 is a normal float16 (B601, B610 only)",
            [bn("X", "Y", "p", epsilon=1e-3)], bn_params("p"),
            [("X", [1, 2, 2, 2], "float16")],
            [("Y", [1, 2, 2, 2], "float16")], opset=15),
    },
}

# bn_normalize: the parameters of the non-spatial case are C x H x W.
NS_PARAMS = [tensor("p.scale", [2, 2, 2], [1, 2, 3, 4, 0.5, 0.25, 1, 2]),
             tensor("p.B", [2, 2, 2], [0, 1, 0, 1, 0, 1, 0, 1]),
             tensor("p.mean", [2, 2, 2], [0.5] * 8),
             tensor("p.var", [2, 2, 2], [1, 4, 0.25, 9, 1, 1, 4, 4])]

CASES["bn_normalize"] = {
    "defaults": bn_only("must not: nothing to change", epsilon=1e-5,
                        momentum=0.9),
    "keras-no-convention": bn_only(
        "must not: epsilon is never changed without --bn-convention",
        epsilon=1e-3, momentum=0.99),
    "convention-onnx": (bn_only(
        "F340, F341: --bn-convention onnx sets 1e-5 and 0.9",
        epsilon=1e-3, momentum=0.99), "--bn-convention onnx"),
    "convention-keras": (bn_only(
        "F340, F342: --bn-convention keras from PyTorch values",
        epsilon=1e-5, momentum=0.1), "--bn-convention keras"),
    "momentum-torch": bn_only("F342: momentum 0.1 becomes 0.9",
                              epsilon=1e-5, momentum=0.1),
    "training-unused": (model(
        "F343: training_mode=1, statistics outputs unused, --inference",
        [bn("X", "Y", "p", outs=["Y", "rm", "rv"], epsilon=1e-5,
            training_mode=1)],
        bn_params("p"), [X4], [Y4]), "--inference"),
    "training-unused-kept": model(
        "F344: training_mode=1, statistics outputs unused, no --inference",
        [bn("X", "Y", "p", outs=["Y", "rm", "rv"], epsilon=1e-5,
            training_mode=1)],
        bn_params("p"), [X4], [Y4]),
    "training-used": model(
        "F344: training_mode=1, running mean is a graph output",
        [bn("X", "Y", "p", outs=["Y", "rm", "rv"], epsilon=1e-5,
            training_mode=1)],
        bn_params("p"), [X4], [Y4, ("rm", [2])]),
    "opset9-outputs": (model(
        "F343: opset 9, statistics outputs unused, --inference",
        [bn("X", "Y", "p", outs=["Y", "rm", "rv", "sm", "sv"],
            epsilon=1e-5)],
        bn_params("p"), [X4], [Y4], opset=9), "--inference"),
    "opset9-outputs-kept": model(
        "F344: opset 9, statistics outputs unused, no --inference",
        [bn("X", "Y", "p", outs=["Y", "rm", "rv", "sm", "sv"],
            epsilon=1e-5)],
        bn_params("p"), [X4], [Y4], opset=9),
    "legacy-opset6": bn_only(
        "F345: consumed_inputs and spatial=1 go at opset 6, is_test stays",
        opset=6, epsilon=1e-5, is_test=1, spatial=1,
        consumed_inputs=[0, 0, 0, 1, 1]),
    "legacy-opset6-training": (bn_only(
        "F343: is_test absent at opset 6, one output, --inference: "
        "is_test=1 is set", opset=6, epsilon=1e-5), "--inference"),
    "legacy-opset5": bn_only(
        "F347: opset 5 requires consumed_inputs", opset=5, epsilon=1e-5,
        is_test=1, consumed_inputs=[0, 0, 0, 1, 1]),
    "legacy-opset7": bn_only(
        "F345: is_test=1 and spatial=1 at opset 7", opset=7,
        epsilon=1e-5, is_test=1, spatial=1),
    "nonspatial": model(
        "F346: spatial=0 at opset 7 becomes Mul and Add",
        [bn("X", "Y", "p", epsilon=1e-5, spatial=0)],
        NS_PARAMS, [X4], [Y4], opset=7),
    "nonspatial-opset6": model(
        "F346: spatial=0 at opset 6: Mul and Add get broadcast=1",
        [bn("X", "Y", "p", epsilon=1e-5, spatial=0, is_test=1)],
        NS_PARAMS, [X4], [Y4], opset=6),
    "malformed": model(
        "must not crash: a BN without Y, one with X only, one without X",
        [node("BatchNormalization", ["X"], [""], "bn1", epsilon=1e-5,
              spatial=0, momentum=0.1),
         node("BatchNormalization", ["X"], ["Y"], "bn2", spatial=0,
              training_mode=1),
         node("BatchNormalization", ["", "p.scale"], ["T"], "bn3",
              spatial=0)],
        bn_params("p"), [X4], [Y4], opset=7),
    "nonspatial-input": model(
        "F347: spatial=0 with the variance a graph input stays",
        [bn("X", "Y", "p", epsilon=1e-5, spatial=0)],
        NS_PARAMS[:3], [X4, ("p.var", [2, 2, 2])], [Y4], opset=7),
}

GEMM_X = ("X", [2, 3])
GEMM_Y = ("Y", [2, 2])
CASES["bn_fold"] = {
    "conv": model(
        "F350: Conv with bias; the folded Conv produces Y",
        [conv(), bn("Z", "Y", "p", epsilon=1e-5)],
        [W, B] + bn_params("p"), [X4], [Y4]),
    "conv-nobias": model(
        "F350: Conv without bias gets one",
        [conv(b=None), bn("Z", "Y", "p", epsilon=1e-5)],
        [W] + bn_params("p"), [X4], [Y4]),
    "conv-group": model(
        "F350: depthwise Conv (group 2): channel on axis 0",
        [conv(group=2), bn("Z", "Y", "p", epsilon=1e-3)],
        [tensor("W", [2, 1, 1, 1], [3.0, -2.0]), B] + bn_params("p"),
        [X4], [Y4]),
    "convtranspose-group": model(
        "F350: ConvTranspose group 2, C_in 2, M 4: W (2, 2, 1, 1)",
        [node("ConvTranspose", ["X", "W", "b4"], ["Z"], "deconv",
              group=2),
         bn("Z", "Y", "p", epsilon=1e-5)],
        [tensor("W", [2, 2, 1, 1], [1, 2, 3, 4]),
         tensor("b4", [4], [0.5, 0.25, -0.5, 1])] +
        bn_params("p", 4, mean=(0, 1, 2, 3), var=(1, 4, 9, 16),
                  scale=(1, 1, 2, 2), bias=(0, 0, 1, 1)),
        [X4], [("Y", [1, 4, 2, 2])]),
    "gemm-transb": model(
        "F350: Gemm transB=1, alpha 2, beta 0.5: beta becomes 1",
        [node("Gemm", ["X", "Wg", "Cg"], ["Z"], "fc", transB=1,
              alpha=2.0, beta=0.5),
         bn("Z", "Y", "p", epsilon=1e-5)],
        [tensor("Wg", [2, 3], [1, 2, 3, 4, 5, 6]),
         tensor("Cg", [2], [1, -1])] + bn_params("p"),
        [GEMM_X], [GEMM_Y], opset=13),
    "gemm-nob": model(
        "F350: Gemm transB=0 without C gets one",
        [node("Gemm", ["X", "Wg"], ["Z"], "fc"),
         bn("Z", "Y", "p", epsilon=1e-5)],
        [tensor("Wg", [3, 2], [1, 2, 3, 4, 5, 6])] + bn_params("p"),
        [GEMM_X], [GEMM_Y], opset=13),
    "constant-params": model(
        "F350: parameters from Constant nodes",
        [node("Constant", [], ["cs"], value=("cs", [2], [2.0, 0.5])),
         conv(),
         node("BatchNormalization", ["Z", "cs", "p.B", "p.mean", "p.var"],
              ["Y"], "bn", epsilon=1e-5)],
        [W, B] + bn_params("p")[1:], [X4], [Y4]),
    "shared-weights": model(
        "F350 twice: two Convs share W; each gets its own folded copy",
        [conv(y="Z1", name="c1"), bn("Z1", "Y1", "p", "bn1", epsilon=1e-5),
         conv(y="Z2", name="c2"), bn("Z2", "Y2", "q", "bn2", epsilon=1e-3)],
        [W, B] + bn_params("p") + bn_params("q", scale=(1, 3)),
        [X4], [("Y1", [1, 2, 2, 2]), ("Y2", [1, 2, 2, 2])]),
    "bn-output-twice": model(
        "F350: BN's output used twice still folds",
        [conv(), bn("Z", "T", "p", epsilon=1e-5),
         node("Add", ["T", "T"], ["Y"], "add")],
        [W, B] + bn_params("p"), [X4], [Y4]),
    "conv-output-twice": model(
        "F351: the Conv output also feeds an Add",
        [conv(), bn("Z", "T", "p", epsilon=1e-5),
         node("Add", ["T", "Z"], ["Y"], "add")],
        [W, B] + bn_params("p"), [X4], [Y4]),
    "conv-output-graph-output": model(
        "F351: the Conv output is also a graph output",
        [conv(), bn("Z", "Y", "p", epsilon=1e-5)],
        [W, B] + bn_params("p"), [X4], [Y4, ("Z", [1, 2, 2, 2])]),
    "weights-input": model(
        "F351: W is an initializer listed as a graph input",
        [conv(), bn("Z", "Y", "p", epsilon=1e-5)],
        [W, B] + bn_params("p"), [X4, ("W", [2, 2, 1, 1])], [Y4]),
    "params-input": model(
        "F351: the running variance is a graph input (not constant)",
        [conv(), bn("Z", "Y", "p", epsilon=1e-5)],
        [W, B] + bn_params("p")[:3], [X4, ("p.var", [2])], [Y4]),
    "training": model(
        "F351: training mode",
        [conv(), bn("Z", "Y", "p", outs=["Y", "rm", "rv"], epsilon=1e-5,
                    training_mode=1)],
        [W, B] + bn_params("p"), [X4], [Y4]),
    "stats-used": model(
        "F351: opset 9 statistics output is a graph output",
        [conv(), bn("Z", "Y", "p", outs=["Y", "rm", "rv", "sm", "sv"],
                    epsilon=1e-5)],
        [W, B] + bn_params("p"), [X4], [Y4, ("rm", [2])], opset=9),
    "malformed": model(
        "must not crash: a BN without Y, one with X only, after Conv",
        [conv(), node("BatchNormalization", ["Z"], [""], "bn1",
                      epsilon=1e-5, spatial=0),
         node("BatchNormalization", ["Z"], ["Y"], "bn2"),
         node("BatchNormalization", ["", "p.scale"], ["T"], "bn3")],
        [W, B] + bn_params("p"), [X4], [Y4]),
    "not-conv": model(
        "must not: BN after Relu is left alone, silently",
        [node("Relu", ["X"], ["Z"], "relu"), bn("Z", "Y", "p")],
        bn_params("p"), [X4], [Y4]),
    "double": model(
        "F350: double weights and parameters",
        [conv(), bn("Z", "Y", "p", epsilon=1e-5)],
        [tensor("W", [2, 2, 1, 1], [1.0, 2.0, -1.0, 0.5], "double"),
         tensor("b", [2], [0.25, -0.5], "double")] +
        bn_params("p", dt="double"),
        [("X", [1, 2, 2, 2], "double")], [("Y", [1, 2, 2, 2], "double")],
        opset=15),
}


def main():
    for d, cases in CASES.items():
        os.makedirs(os.path.join("testdata", d), exist_ok=True)
        for name, c in cases.items():
            args = None
            if isinstance(c, tuple):
                c, args = c
            base = os.path.join("testdata", d, name)
            with open(base + ".textproto", "w") as f:
                if args:
                    f.write("# args: %s\n" % args)
                f.write(c)


if __name__ == "__main__":
    main()
