#!/usr/bin/python3
# SPDX-License-Identifier: MIT
#
# Writes the golden cases of the shapes pass (testdata/shapes/*.textproto)
# with the onnx package's helpers.  Run from the top directory, then
# `make golden-update` and review the .expect files.
import numpy as np
from google.protobuf import text_format
from onnx import TensorProto, helper, numpy_helper, shape_inference

F = TensorProto.FLOAT
I64 = TensorProto.INT64


def vi(name, elem, shape):
    return helper.make_tensor_value_info(name, elem, shape)


def const(name, values):
    return numpy_helper.from_array(np.array(values, dtype=np.int64), name)


def model(comment, nodes, inputs, outputs, inits=(), value_info=(),
          opset=17):
    g = helper.make_graph(nodes, "g", inputs, outputs,
                          initializer=list(inits), value_info=value_info)
    m = helper.make_model(g, producer_name="onnxfix-tests",
                          opset_imports=[helper.make_opsetid("", opset)])
    m.ir_version = 8
    return "# " + comment + "\n" + text_format.MessageToString(m)


N = helper.make_node


def attention(stale):
    """A self-attention block as PyTorch exports it: the Reshape targets
    are computed from Shape, and value_info is what onnx's inference
    declares (one entry made stale when STALE)."""
    rng = np.random.default_rng(0)
    w = numpy_helper.from_array(
        rng.standard_normal((64, 192)).astype(np.float32), "w")
    nodes = [
        N("MatMul", ["x", "w"], ["qkv"]),
        N("Split", ["qkv", "split"], ["q", "k", "v"], axis=2),
        N("Shape", ["x"], ["xs"]),
        N("Gather", ["xs", "i0"], ["b"], axis=0),
        N("Gather", ["xs", "i1"], ["s"], axis=0),
        N("Unsqueeze", ["b", "ax0"], ["bu"]),
        N("Unsqueeze", ["s", "ax0"], ["su"]),
        N("Concat", ["bu", "su", "heads"], ["hshape"], axis=0),
        N("Concat", ["bu", "su", "width"], ["oshape"], axis=0),
    ]
    for t in "qkv":
        nodes.append(N("Reshape", [t, "hshape"], [t + "h"]))
        nodes.append(N("Transpose", [t + "h"], [t + "t"],
                       perm=[0, 2, 3, 1] if t == "k" else [0, 2, 1, 3]))
    nodes += [
        N("MatMul", ["qt", "kt"], ["scores"]),
        N("Div", ["scores", "scale"], ["scaled"]),
        N("Softmax", ["scaled"], ["probs"], axis=-1),
        N("MatMul", ["probs", "vt"], ["ctx"]),
        N("Transpose", ["ctx"], ["ctxt"], perm=[0, 2, 1, 3]),
        N("Reshape", ["ctxt", "oshape"], ["y"]),
    ]
    inits = [w, const("split", [64, 64, 64]),
             numpy_helper.from_array(np.array(0, dtype=np.int64), "i0"),
             numpy_helper.from_array(np.array(1, dtype=np.int64), "i1"),
             const("ax0", [0]), const("heads", [4, 16]),
             const("width", [64]),
             numpy_helper.from_array(np.array(4.0, dtype=np.float32),
                                     "scale")]
    g = helper.make_graph(nodes, "g", [vi("x", F, ["batch", "seq", 64])],
                          [vi("y", F, ["batch", "seq", 64])],
                          initializer=inits)
    m = helper.make_model(g, producer_name="onnxfix-tests",
                          opset_imports=[helper.make_opsetid("", 17)])
    m.ir_version = 8
    m = shape_inference.infer_shapes(m, data_prop=True)
    comment = "S262 must not fire: value_info as onnx infers it"
    if stale:
        comment = "S262: value_info left from an export with 8 heads"
        for v in m.graph.value_info:
            if v.name == "scores":
                v.type.tensor_type.shape.dim[1].dim_value = 8
    return "# " + comment + "\n" + text_format.MessageToString(m)


def function_call(declared):
    """Main graph calls a local function once: the body sees the call's
    input types and the call's outputs get the body's."""
    body = helper.make_function(
        "local", "AddRelu", ["a", "b"], ["r"],
        [N("Add", ["a", "b"], ["s"]), N("Relu", ["s"], ["r"])],
        [helper.make_opsetid("", 17)])
    g = helper.make_graph(
        [N("AddRelu", ["x", "y"], ["t"], domain="local"),
         N("Neg", ["t"], ["z"])], "g",
        [vi("x", F, [2, 3]), vi("y", F, [3])], [vi("z", F, [2, 3])],
        value_info=[vi("t", F, declared)])
    m = helper.make_model(g, producer_name="onnxfix-tests",
                          opset_imports=[helper.make_opsetid("", 17),
                                         helper.make_opsetid("local", 1)],
                          functions=[body])
    m.ir_version = 8
    comment = ("S262: the call's value_info says [2,4], the body makes "
               "[2,3]" if declared[1] == 4 else
               "S262 must not fire: the body gives the call [2,3]")
    return "# " + comment + "\n" + text_format.MessageToString(m)


def subgraph_if():
    """A stale value_info inside an If branch."""
    then_g = helper.make_graph(
        [N("Relu", ["x"], ["t"]), N("Neg", ["t"], ["u"])], "then", [],
        [vi("u", F, [2, 3])], value_info=[vi("t", F, [2, 4])])
    else_g = helper.make_graph(
        [N("Abs", ["x"], ["e"])], "else", [], [vi("e", F, [2, 3])])
    g = helper.make_graph(
        [N("If", ["c"], ["y"], then_branch=then_g, else_branch=else_g)],
        "g", [vi("c", TensorProto.BOOL, []), vi("x", F, [2, 3])],
        [vi("y", F, [2, 3])])
    m = helper.make_model(g, producer_name="onnxfix-tests",
                          opset_imports=[helper.make_opsetid("", 17)])
    m.ir_version = 8
    return ("# S262 inside a branch: value_info 't' says [2,4], Relu of "
            "[2,3] makes [2,3]\n" + text_format.MessageToString(m))


def subgraph_loop():
    """A loop-carried value that grows: its outer shape is no guide."""
    body = helper.make_graph(
        [N("Identity", ["cond"], ["cond_out"]),
         N("Concat", ["acc", "one"], ["acc_out"], axis=0)], "body",
        [vi("i", I64, []), vi("cond", TensorProto.BOOL, []),
         vi("acc", F, None)],
        [vi("cond_out", TensorProto.BOOL, []), vi("acc_out", F, None)],
        initializer=[numpy_helper.from_array(np.ones(1, np.float32),
                                             "one")])
    g = helper.make_graph(
        [N("Loop", ["trip", "", "init"], ["final"], body=body),
         N("Neg", ["final"], ["y"])], "g",
        [vi("init", F, [1])], [vi("y", F, [4])],
        initializer=[numpy_helper.from_array(np.array(3, np.int64),
                                             "trip")],
        value_info=[vi("final", F, [4])])
    m = helper.make_model(g, producer_name="onnxfix-tests",
                          opset_imports=[helper.make_opsetid("", 17)])
    m.ir_version = 8
    return ("# S262 must not fire: the carried value grows to [4] over "
            "three iterations\n" + text_format.MessageToString(m))


cases = {
    "subgraph-fires": subgraph_if(),
    "subgraph-clean": subgraph_loop(),
    "function-clean": function_call([2, 3]),
    "function-fires": function_call([2, 4]),
    "init-fires": model(
        "S262: value_info gives the initializer W dims it does not have",
        [N("MatMul", ["X", "W"], ["Y"])],
        [vi("X", F, [1, 3])], [vi("Y", F, [1, 2])],
        inits=[numpy_helper.from_array(np.ones((3, 2), np.float32), "W")],
        value_info=[vi("W", F, [2, 3])]),
    "init-clean": model(
        "S262 must not fire: value_info agrees with the initializer",
        [N("MatMul", ["X", "W"], ["Y"])],
        [vi("X", F, [1, 3])], [vi("Y", F, [1, 2])],
        inits=[numpy_helper.from_array(np.ones((3, 2), np.float32), "W")],
        value_info=[vi("W", F, [3, "n"])]),
    "export-clean": attention(False),
    "export-stale": attention(True),
    "elem-fires": model(
        "S260: the graph output declares int64, Relu yields float",
        [N("Relu", ["X"], ["Y"])],
        [vi("X", F, [1, 4])], [vi("Y", I64, [1, 4])]),
    "elem-clean": model(
        "S260 must not fire: Cast yields the declared int64",
        [N("Cast", ["X"], ["Y"], to=I64)],
        [vi("X", F, [1, 4])], [vi("Y", I64, [1, 4])]),
    "rank-fires": model(
        "S261: stale value_info of rank 1 for a rank-2 value",
        [N("Relu", ["X"], ["T"]), N("Neg", ["T"], ["Y"])],
        [vi("X", F, [1, 4])], [vi("Y", F, [1, 4])],
        value_info=[vi("T", F, [4])]),
    "rank-clean": model(
        "S261 must not fire: value_info of unknown shape and right rank",
        [N("Relu", ["X"], ["T"]), N("Flatten", ["T"], ["U"]),
         N("Neg", ["U"], ["Y"])],
        [vi("X", F, [2, 3, 4])], [vi("Y", F, [2, 12])],
        value_info=[vi("T", F, None), vi("U", F, ["n", None])]),
    "dim-fires": model(
        "S262: value_info says 8 where Reshape makes 12",
        [N("Shape", ["X"], ["s"]),
         N("Gather", ["s", "zero"], ["b"], axis=0),
         N("Unsqueeze", ["b", "zero1"], ["bu"]),
         N("Concat", ["bu", "minus1"], ["target"], axis=0),
         N("Reshape", ["X", "target"], ["T"]),
         N("Relu", ["T"], ["Y"])],
        [vi("X", F, ["batch", 3, 4])], [vi("Y", F, ["batch", 12])],
        inits=[numpy_helper.from_array(np.array(0, dtype=np.int64),
                                       "zero"),
               const("zero1", [0]), const("minus1", [-1])],
        value_info=[vi("T", F, ["batch", 8])]),
    "dim-clean": model(
        "S262 must not fire: a dim_param against a concrete size",
        [N("Shape", ["X"], ["s"]),
         N("Gather", ["s", "zero"], ["b"], axis=0),
         N("Unsqueeze", ["b", "zero1"], ["bu"]),
         N("Concat", ["bu", "minus1"], ["target"], axis=0),
         N("Reshape", ["X", "target"], ["T"]),
         N("Relu", ["T"], ["Y"])],
        [vi("X", F, ["batch", 3, 4])], [vi("Y", F, ["batch", "w"])],
        inits=[numpy_helper.from_array(np.array(0, dtype=np.int64),
                                       "zero"),
               const("zero1", [0]), const("minus1", [-1])],
        value_info=[vi("T", F, ["n", 12])]),
    "broadcast-fires": model(
        "S263: 4 and 3 meet on the last axis of Add",
        [N("Add", ["X", "B"], ["Y"])],
        [vi("X", F, [1, 4]), vi("B", F, [3])], [vi("Y", F, None)]),
    "broadcast-clean": model(
        "S263 must not fire: 1 stretches, equal params match",
        [N("Add", ["X", "B"], ["T"]), N("Mul", ["T", "C"], ["Y"])],
        [vi("X", F, ["n", 1, 4]), vi("B", F, [3, 1]),
         vi("C", F, ["n", 3, "k"])], [vi("Y", F, ["n", 3, 4])]),
    "reshape-fires": model(
        "S264: 6 elements reshaped to 8",
        [N("Reshape", ["X", "s"], ["Y"])],
        [vi("X", F, [2, 3])], [vi("Y", F, None)],
        inits=[const("s", [4, 2])]),
    "reshape-clean": model(
        "S264 must not fire: 0 copies, -1 takes the rest",
        [N("Reshape", ["X", "s"], ["Y"])],
        [vi("X", F, [2, 3, 4])], [vi("Y", F, [2, 2, 6])],
        inits=[const("s", [0, 2, -1])]),
    "concat-fires": model(
        "S265: Concat on axis 0 of widths 4 and 5",
        [N("Concat", ["A", "B"], ["Y"], axis=0)],
        [vi("A", F, [1, 4]), vi("B", F, [2, 5])], [vi("Y", F, None)]),
    "concat-clean": model(
        "S265 must not fire: widths agree, axis sizes add up",
        [N("Concat", ["A", "B"], ["Y"], axis=-2)],
        [vi("A", F, [1, 4]), vi("B", F, [2, "w"])],
        [vi("Y", F, [3, 4])]),
    "matmul-fires": model(
        "S266: MatMul of [2,3] by [4,5]",
        [N("MatMul", ["A", "B"], ["Y"])],
        [vi("A", F, [2, 3]), vi("B", F, [4, 5])], [vi("Y", F, None)]),
    "matmul-clean": model(
        "S266 must not fire: batched MatMul and Gemm with transB",
        [N("MatMul", ["A", "B"], ["T"]),
         N("Reshape", ["T", "s"], ["U"]),
         N("Gemm", ["U", "W"], ["Y"], transB=1)],
        [vi("A", F, [7, 2, 3]), vi("B", F, [3, 5]), vi("W", F, [6, 70])],
        [vi("Y", F, [1, 6])], inits=[const("s", [1, -1])]),
    "perm-fires": model(
        "S267: perm [0,0] names axis 0 twice",
        [N("Transpose", ["X"], ["Y"], perm=[0, 0])],
        [vi("X", F, [2, 3])], [vi("Y", F, None)]),
    "perm-clean": model(
        "S267 must not fire: a permutation, and the default reversal",
        [N("Transpose", ["X"], ["T"], perm=[0, 2, 1]),
         N("Transpose", ["T"], ["Y"])],
        [vi("X", F, [2, 3, 4])], [vi("Y", F, [3, 4, 2])]),
}

for name, text in cases.items():
    with open("testdata/shapes/%s.textproto" % name, "w") as f:
        f.write(text)
