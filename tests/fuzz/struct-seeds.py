# SPDX-License-Identifier: MIT
#
# Seeds of the structure-aware fuzz target (tests/fuzz/fuzz_struct.c):
# about fifty small valid models, one or a few operators each, written
# with onnx.helper into DIR (testdata/fuzz/struct/ by default).  The
# mutator starts from them, so between them they cover the operators the
# passes rewrite (Conv/BN/Transpose/Reshape/...), control flow (If, Loop,
# Scan, nested), local functions, sparse initializers, external data (the
# harness puts w.bin beside every model) and odd element types.
#
#   /usr/bin/python3 tests/fuzz/struct-seeds.py [DIR]
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto as TP, helper as h, numpy_helper as nh

OUT = sys.argv[1] if len(sys.argv) > 1 else "testdata/fuzz/struct"
F = TP.FLOAT
I64 = TP.INT64


def t(name, arr, dtype=None):
    a = np.asarray(arr, dtype=dtype)
    return nh.from_array(a, name)


def vi(name, elem=F, shape=None):
    return h.make_tensor_value_info(name, elem, shape)


def model(name, nodes, inputs, outputs, inits=(), opset=17, extra=(),
          functions=(), sparse=(), value_info=()):
    g = h.make_graph(list(nodes), name, list(inputs), list(outputs),
                     initializer=list(inits), sparse_initializer=list(sparse),
                     value_info=list(value_info))
    ops = [h.make_opsetid("", opset)] + [h.make_opsetid(d, v)
                                         for d, v in extra]
    m = h.make_model(g, opset_imports=ops, producer_name="struct-seeds",
                     functions=list(functions))
    m.ir_version = 8
    try:
        # graph outputs get the shapes inference finds (the checker
        # wants one)
        m = onnx.shape_inference.infer_shapes(m)
        onnx.checker.check_model(m)
    except Exception as e:  # noqa: BLE001 -- kept anyway: a seed
        print("seed %s: checker: %s" % (name, str(e).splitlines()[0]),
              file=sys.stderr)
    with open(os.path.join(OUT, "seed-" + name + ".onnx"), "wb") as f:
        f.write(m.SerializeToString())


def rnd(*shape):
    return np.random.RandomState(len(shape) + sum(shape)).rand(
        *shape).astype(np.float32)


def main():
    os.makedirs(OUT, exist_ok=True)
    x4 = vi("x", F, [1, 3, 8, 8])

    model("conv_bn_relu", [
        h.make_node("Conv", ["x", "w", "b"], ["c"], pads=[1, 1, 1, 1]),
        h.make_node("BatchNormalization", ["c", "s", "bb", "m", "v"],
                    ["n"], epsilon=1e-5),
        h.make_node("Relu", ["n"], ["y"])],
        [x4], [vi("y")],
        [t("w", rnd(4, 3, 3, 3)), t("b", rnd(4)), t("s", rnd(4)),
         t("bb", rnd(4)), t("m", rnd(4)), t("v", rnd(4) + 1)])
    model("bn_keras_eps", [
        h.make_node("BatchNormalization", ["x", "s", "bb", "m", "v"],
                    ["y"], epsilon=1e-3, momentum=0.99)],
        [x4], [vi("y")],
        [t("s", rnd(3)), t("bb", rnd(3)), t("m", rnd(3)),
         t("v", rnd(3) + 1)])
    model("transpose_pair", [
        h.make_node("Transpose", ["x"], ["a"], perm=[0, 2, 3, 1]),
        h.make_node("Relu", ["a"], ["r"]),
        h.make_node("Transpose", ["r"], ["y"], perm=[0, 3, 1, 2])],
        [x4], [vi("y")])
    model("nhwc_input", [
        h.make_node("Transpose", ["x"], ["a"], perm=[0, 3, 1, 2]),
        h.make_node("Conv", ["a", "w"], ["y"])],
        [vi("x", F, [1, 8, 8, 3])], [vi("y")], [t("w", rnd(2, 3, 1, 1))])
    model("reshape", [
        h.make_node("Reshape", ["x", "s"], ["y"])],
        [x4], [vi("y")], [t("s", [1, -1], np.int64)])
    model("reshape_allowzero", [
        h.make_node("Reshape", ["x", "s"], ["y"], allowzero=1)],
        [x4], [vi("y")], [t("s", [1, 3, 0, 64], np.int64)])
    model("concat", [
        h.make_node("Concat", ["x", "x", "c"], ["y"], axis=1)],
        [x4], [vi("y")], [t("c", rnd(1, 2, 8, 8))])
    model("slice", [
        h.make_node("Slice", ["x", "st", "en", "ax", "sp"], ["y"])],
        [x4], [vi("y")],
        [t("st", [0, 1], np.int64), t("en", [2, 9223372036854775807],
                                        np.int64),
         t("ax", [1, 3], np.int64), t("sp", [1, 2], np.int64)])
    model("gather", [
        h.make_node("Gather", ["x", "i"], ["y"], axis=1)],
        [x4], [vi("y")], [t("i", [0, 2, -1], np.int64)])
    model("gather_elements", [
        h.make_node("GatherElements", ["d", "i"], ["y"], axis=0)],
        [vi("d", F, [3, 3])], [vi("y")],
        [t("i", [[0, 1, 2], [2, 1, 0]], np.int64)])
    model("einsum", [
        h.make_node("Einsum", ["a", "b"], ["y"], equation="bij,bjk->bik")],
        [vi("a", F, [2, 3, 4]), vi("b", F, [2, 4, 5])], [vi("y")])
    model("einsum_trace", [
        h.make_node("Einsum", ["a"], ["y"], equation="ii->i")],
        [vi("a", F, [3, 3])], [vi("y")])
    model("split", [
        h.make_node("Split", ["x", "s"], ["y", "z"], axis=1)],
        [x4], [vi("y"), vi("z")], [t("s", [1, 2], np.int64)])
    model("resize", [
        h.make_node("Resize", ["x", "", "sc"], ["y"], mode="nearest")],
        [x4], [vi("y")], [t("sc", [1, 1, 2, 2], np.float32)])
    model("resize_sizes", [
        h.make_node("Resize", ["x", "", "", "sz"], ["y"], mode="linear",
                    coordinate_transformation_mode="half_pixel")],
        [x4], [vi("y")], [t("sz", [1, 3, 4, 4], np.int64)])
    model("pad", [
        h.make_node("Pad", ["x", "p", "v"], ["y"], mode="constant")],
        [x4], [vi("y")],
        [t("p", [0, 0, 1, 1, 0, 0, 1, 1], np.int64), t("v", 0.5,
                                                      np.float32)])
    model("pad_reflect", [
        h.make_node("Pad", ["x", "p"], ["y"], mode="reflect")],
        [x4], [vi("y")], [t("p", [0, 0, 2, 2, 0, 0, 2, 2], np.int64)])
    model("topk", [
        h.make_node("TopK", ["x", "k"], ["v", "i"], axis=-1)],
        [x4], [vi("v"), vi("i", I64)], [t("k", [3], np.int64)])
    model("constant_add", [
        h.make_node("Constant", [], ["c"],
                    value=t("cv", rnd(1, 3, 1, 1))),
        h.make_node("Add", ["x", "c"], ["y"])],
        [x4], [vi("y")])
    model("constant_kinds", [
        h.make_node("Constant", [], ["a"], value_ints=[1, 2, 3]),
        h.make_node("Constant", [], ["b"], value_float=2.0),
        h.make_node("Constant", [], ["c"], value_int=7),
        h.make_node("Cast", ["a"], ["af"], to=F),
        h.make_node("Mul", ["af", "b"], ["y"]),
        h.make_node("Identity", ["c"], ["z"])],
        [], [vi("y"), vi("z", I64)])
    model("fold_chain", [
        h.make_node("Add", ["p", "q"], ["s"]),
        h.make_node("Mul", ["s", "q"], ["m"]),
        h.make_node("Add", ["x", "m"], ["y"])],
        [vi("x", F, [4])], [vi("y")],
        [t("p", [1, 2, 3, 4], np.float32), t("q", [2, 2, 2, 2],
                                             np.float32)])
    model("int64_arith", [
        h.make_node("Div", ["a", "b"], ["d"]),
        h.make_node("Mul", ["d", "b"], ["m"]),
        h.make_node("Sub", ["m", "x"], ["y"])],
        [vi("x", I64, [2])], [vi("y", I64)],
        [t("a", [-9223372036854775808, 7], np.int64),
         t("b", [-1, 2], np.int64)])
    model("gemm", [
        h.make_node("Gemm", ["x", "w", "b"], ["y"], transB=1)],
        [vi("x", F, [2, 4])], [vi("y")], [t("w", rnd(3, 4)),
                                          t("b", rnd(3))])
    model("matmul_add", [
        h.make_node("MatMul", ["x", "w"], ["m"]),
        h.make_node("Add", ["m", "b"], ["y"])],
        [vi("x", F, [2, 4])], [vi("y")], [t("w", rnd(4, 3)),
                                          t("b", rnd(3))])
    model("softmax_layernorm", [
        h.make_node("Softmax", ["x"], ["s"], axis=-1),
        h.make_node("LayerNormalization", ["s", "g", "b"], ["y"],
                    axis=-1, epsilon=1e-5)],
        [vi("x", F, [2, 4])], [vi("y")], [t("g", rnd(4)), t("b", rnd(4))])
    model("pools", [
        h.make_node("MaxPool", ["x"], ["a"], kernel_shape=[2, 2],
                    strides=[2, 2]),
        h.make_node("AveragePool", ["a"], ["b"], kernel_shape=[2, 2],
                    pads=[0, 0, 1, 1], count_include_pad=1),
        h.make_node("GlobalAveragePool", ["b"], ["g"]),
        h.make_node("Flatten", ["g"], ["y"], axis=1)],
        [x4], [vi("y")])
    model("squeeze_unsqueeze", [
        h.make_node("Unsqueeze", ["x", "a"], ["u"]),
        h.make_node("Squeeze", ["u", "a"], ["y"])],
        [x4], [vi("y")], [t("a", [0], np.int64)])
    model("cast_where", [
        h.make_node("Cast", ["x"], ["i"], to=I64),
        h.make_node("Equal", ["i", "z"], ["e"]),
        h.make_node("Where", ["e", "x", "x"], ["y"])],
        [x4], [vi("y")], [t("z", 0, np.int64)])
    model("reduce", [
        h.make_node("ReduceMean", ["x"], ["m"], axes=[2, 3], keepdims=1),
        h.make_node("ReduceSum", ["m", "a"], ["y"], keepdims=0)],
        [x4], [vi("y")], [t("a", [1], np.int64)])
    model("expand_tile", [
        h.make_node("Expand", ["x", "s"], ["e"]),
        h.make_node("Tile", ["e", "r"], ["y"])],
        [vi("x", F, [1, 3])], [vi("y")],
        [t("s", [2, 3], np.int64), t("r", [1, 2], np.int64)])
    model("dynamic_shape", [
        h.make_node("Shape", ["x"], ["s"]),
        h.make_node("Gather", ["s", "i"], ["d"], axis=0),
        h.make_node("Unsqueeze", ["d", "z"], ["du"]),
        h.make_node("Concat", ["du", "m"], ["ns"], axis=0),
        h.make_node("Reshape", ["x", "ns"], ["y"])],
        [vi("x", F, ["N", 3, 8, 8])], [vi("y")],
        [t("i", 0, np.int64), t("z", [0], np.int64),
         t("m", [-1], np.int64)])
    model("identity_dropout", [
        h.make_node("Identity", ["x"], ["a"]),
        h.make_node("Dropout", ["a"], ["b"]),
        h.make_node("Identity", ["b"], ["y"])],
        [x4], [vi("y")])
    model("clip", [
        h.make_node("Clip", ["x", "lo", "hi"], ["y"])],
        [x4], [vi("y")], [t("lo", 0.0, np.float32), t("hi", 6.0,
                                                      np.float32)])
    model("bn_training", [
        h.make_node("BatchNormalization", ["x", "s", "bb", "m", "v"],
                    ["y", "rm", "rv"], training_mode=1)],
        [x4], [vi("y"), vi("rm"), vi("rv")],
        [t("s", rnd(3)), t("bb", rnd(3)), t("m", rnd(3)),
         t("v", rnd(3) + 1)])
    model("lstm", [
        h.make_node("LSTM", ["x", "w", "r"], ["y", "yh"], hidden_size=2)],
        [vi("x", F, [3, 1, 2])], [vi("y"), vi("yh")],
        [t("w", rnd(1, 8, 2)), t("r", rnd(1, 8, 2))])
    model("gru", [
        h.make_node("GRU", ["x", "w", "r"], ["y"], hidden_size=2,
                    direction="bidirectional")],
        [vi("x", F, [3, 1, 2])], [vi("y")],
        [t("w", rnd(2, 6, 2)), t("r", rnd(2, 6, 2))])
    model("conv_transpose", [
        h.make_node("ConvTranspose", ["x", "w"], ["y"], strides=[2, 2],
                    output_padding=[1, 1])],
        [x4], [vi("y")], [t("w", rnd(3, 2, 3, 3))])
    model("depth_space", [
        h.make_node("SpaceToDepth", ["x"], ["a"], blocksize=2),
        h.make_node("DepthToSpace", ["a"], ["y"], blocksize=2,
                    mode="CRD")],
        [vi("x", F, [1, 4, 4, 4])], [vi("y")])
    model("instnorm", [
        h.make_node("InstanceNormalization", ["x", "s", "b"], ["y"])],
        [x4], [vi("y")], [t("s", rnd(3)), t("b", rnd(3))])
    model("range_nonzero_cumsum", [
        h.make_node("Range", ["s", "l", "d"], ["r"]),
        h.make_node("CumSum", ["r", "ax"], ["c"]),
        h.make_node("NonZero", ["c"], ["y"])],
        [], [vi("y", I64)],
        [t("s", 0, np.int64), t("l", 5, np.int64), t("d", 1, np.int64),
         t("ax", 0, np.int64)])
    model("argmax_onehot", [
        h.make_node("ArgMax", ["x"], ["a"], axis=1, keepdims=0),
        h.make_node("OneHot", ["a", "dep", "val"], ["y"])],
        [x4], [vi("y")],
        [t("dep", 3, np.int64), t("val", [0, 1], np.float32)])
    model("quant", [
        h.make_node("QuantizeLinear", ["x", "s", "z"], ["q"]),
        h.make_node("DequantizeLinear", ["q", "s", "z"], ["y"])],
        [x4], [vi("y")], [t("s", 0.1, np.float32), t("z", 0, np.uint8)])
    model("scatternd", [
        h.make_node("ScatterND", ["d", "i", "u"], ["y"])],
        [vi("d", F, [4, 4])], [vi("y")],
        [t("i", [[0], [2]], np.int64), t("u", rnd(2, 4))])
    model("gelu_erf", [
        h.make_node("Div", ["x", "r2"], ["a"]),
        h.make_node("Erf", ["a"], ["e"]),
        h.make_node("Add", ["e", "one"], ["p"]),
        h.make_node("Mul", ["x", "p"], ["m"]),
        h.make_node("Mul", ["m", "half"], ["y"])],
        [x4], [vi("y")],
        [t("r2", 1.4142135, np.float32), t("one", 1.0, np.float32),
         t("half", 0.5, np.float32)])
    model("sequence", [
        h.make_node("SequenceConstruct", ["x", "x"], ["s"]),
        h.make_node("SequenceAt", ["s", "i"], ["y"])],
        [x4], [vi("y")], [t("i", 1, np.int64)])
    model("optional", [
        h.make_node("Optional", ["x"], ["o"]),
        h.make_node("OptionalHasElement", ["o"], ["y"])],
        [x4], [vi("y", TP.BOOL)])
    model("types_f16_bf16_str", [
        h.make_node("Cast", ["h"], ["a"], to=F),
        h.make_node("Cast", ["bf"], ["b"], to=F),
        h.make_node("Add", ["a", "b"], ["y"]),
        h.make_node("Identity", ["s"], ["z"])],
        [], [vi("y"), vi("z", TP.STRING)],
        [t("h", [1, 2], np.float16),
         h.make_tensor("bf", TP.BFLOAT16, [2], [16256, 16384]),
         h.make_tensor("s", TP.STRING, [2], [b"a", b"bc"])])
    model("doubles_uints", [
        h.make_node("Cast", ["d"], ["a"], to=TP.UINT64),
        h.make_node("Cast", ["u"], ["b"], to=TP.UINT64),
        h.make_node("Add", ["a", "b"], ["y"])],
        [], [vi("y", TP.UINT64)],
        [t("d", [1.5, 2.5], np.float64), t("u", [7, 8], np.uint32)])

    # control flow
    then_g = h.make_graph([h.make_node("Relu", ["x"], ["t"])], "then", [],
                          [vi("t")])
    else_g = h.make_graph([h.make_node("Neg", ["x"], ["e"])], "else", [],
                          [vi("e")])
    model("if", [
        h.make_node("ReduceSum", ["x"], ["s"], keepdims=0),
        h.make_node("Greater", ["s", "z"], ["c"]),
        h.make_node("If", ["c"], ["y"], then_branch=then_g,
                    else_branch=else_g)],
        [x4], [vi("y")], [t("z", 0.0, np.float32)])
    body = h.make_graph([
        h.make_node("Identity", ["cin"], ["cout"]),
        h.make_node("Add", ["v", "x"], ["vo"]),
        h.make_node("Identity", ["vo"], ["sc"])], "body",
        [vi("i", I64, []), vi("cin", TP.BOOL, []), vi("v")],
        [vi("cout", TP.BOOL, []), vi("vo"), vi("sc")])
    model("loop", [
        h.make_node("Loop", ["n", "", "x"], ["y", "ys"], body=body)],
        [x4], [vi("y"), vi("ys")], [t("n", 3, np.int64)])
    inner_then = h.make_graph([h.make_node("Add", ["vo0", "x"], ["it"])],
                              "ithen", [], [vi("it")])
    inner_else = h.make_graph([h.make_node("Sub", ["vo0", "x"], ["ie"])],
                              "ielse", [], [vi("ie")])
    nbody = h.make_graph([
        h.make_node("Identity", ["cin"], ["cout"]),
        h.make_node("Identity", ["v"], ["vo0"]),
        h.make_node("If", ["cin"], ["vo"], then_branch=inner_then,
                    else_branch=inner_else)], "nbody",
        [vi("i", I64, []), vi("cin", TP.BOOL, []), vi("v")],
        [vi("cout", TP.BOOL, []), vi("vo")])
    model("loop_nested_if", [
        h.make_node("Loop", ["n", "c", "x"], ["y"], body=nbody)],
        [x4], [vi("y")], [t("n", 2, np.int64), t("c", True, np.bool_)])
    sbody = h.make_graph([
        h.make_node("Add", ["st", "xi"], ["so"]),
        h.make_node("Identity", ["so"], ["out"])], "sbody",
        [vi("st", F, [2]), vi("xi", F, [2])],
        [vi("so", F, [2]), vi("out", F, [2])])
    model("scan", [
        h.make_node("Scan", ["s0", "xs"], ["sf", "ys"], body=sbody,
                    num_scan_inputs=1)],
        [vi("xs", F, [3, 2])], [vi("sf"), vi("ys")],
        [t("s0", [0, 0], np.float32)])

    # a model-local function
    fn = h.make_function("fz.local", "Swish", ["a"], ["b"], [
        h.make_node("Sigmoid", ["a"], ["s"]),
        h.make_node("Mul", ["a", "s"], ["b"])],
        [h.make_opsetid("", 17)])
    model("function", [
        h.make_node("Swish", ["x"], ["y"], domain="fz.local")],
        [x4], [vi("y")], extra=[("fz.local", 1)], functions=[fn])

    # sparse initializer
    sp = h.make_sparse_tensor(t("sp", [1.0, 2.0], np.float32),
                              t("spi", [1, 5], np.int64), [2, 3])
    model("sparse_init", [h.make_node("Add", ["x", "sp"], ["y"])],
          [vi("x", F, [2, 3])], [vi("y")], sparse=[sp])
    model("sparse_constant", [
        h.make_node("Constant", [], ["c"], sparse_value=sp),
        h.make_node("Add", ["x", "c"], ["y"])],
        [vi("x", F, [2, 3])], [vi("y")])

    # external data beside the model (the harness writes w.bin)
    w = h.make_tensor("w", F, [2, 2], [0, 0, 0, 0])
    w.ClearField("float_data")
    w.data_location = TP.EXTERNAL
    for k, v in (("location", "w.bin"), ("offset", "0"),
                 ("length", "16")):
        e = w.external_data.add()
        e.key, e.value = k, v
    model("external", [h.make_node("MatMul", ["x", "w"], ["y"])],
          [vi("x", F, [1, 2])], [vi("y")], [w])

    # contrib and ml domains
    model("contrib_gelu", [
        h.make_node("Gelu", ["x"], ["y"], domain="com.microsoft")],
        [x4], [vi("y")], extra=[("com.microsoft", 1)])
    model("contrib_fusedconv", [
        h.make_node("FusedConv", ["x", "w"], ["y"], domain="com.microsoft",
                    activation="Relu")],
        [x4], [vi("y")], [t("w", rnd(2, 3, 1, 1))],
        extra=[("com.microsoft", 1)])
    model("ml_normalizer", [
        h.make_node("Normalizer", ["x"], ["y"], domain="ai.onnx.ml",
                    norm="L2")],
        [vi("x", F, [2, 3])], [vi("y")], extra=[("ai.onnx.ml", 3)])
    model("custom_op", [
        h.make_node("MyOp", ["x"], ["y"], domain="custom.ops", alpha=0.5)],
        [x4], [vi("y")], extra=[("custom.ops", 1)])
    # an older opset with attribute forms of inputs
    model("opset11_split_squeeze", [
        h.make_node("Split", ["x"], ["a", "b"], axis=1, split=[1, 2]),
        h.make_node("Unsqueeze", ["a"], ["u"], axes=[0]),
        h.make_node("Squeeze", ["u"], ["y"], axes=[0]),
        h.make_node("Identity", ["b"], ["z"])],
        [x4], [vi("y"), vi("z")], opset=11)
    model("value_info_ranks", [
        h.make_node("Relu", ["x"], ["a"]),
        h.make_node("Sigmoid", ["a"], ["y"])],
        [x4], [vi("y")], value_info=[vi("a", F, [1, 3, 8, 8])])


if __name__ == "__main__":
    main()
