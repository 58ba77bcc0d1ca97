#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
#
# Writes the golden cases of the target pass (testdata/target/*.textproto)
# in protobuf text format.  Run from the project root:
#	python3 testdata/target/gen.py
# then `make golden-update` and review the .expect files.
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "defaults"))
from textproto import Model  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))


def case(name, m):
    with open(os.path.join(HERE, name + ".textproto"), "w") as f:
        f.write(m.text())


# A custom domain: unknown to every target, with and without --target.
m = Model("custom operator, no --target", opsets={"": 14, "com.example": 1})
m.input("X", 1, [1, 4])
m.node("FastGelu", ["X"], ["Y"], domain="com.example")
m.output("Y", 1, [1, 4])
case("custom-op", m)

m = Model("custom operator between two standard nodes",
          opsets={"": 14, "com.example": 1},
          args="--target ort-cpu,tensorrt")
m.input("X", 1, [1, 4])
m.node("Relu", ["X"], ["A"])
m.node("FastGelu", ["A"], ["B"], domain="com.example")
m.node("Relu", ["B"], ["Y"])
m.output("Y", 1, [1, 4])
case("custom-op-targets", m)

# Standard ops on every target: a note per target, nothing else.  The
# intermediate value has no type (elem 0): never a type finding.
m = Model("standard operators: no finding on any target",
          opsets={"": 17, "com.microsoft": 1, "org.pytorch.aten": 1,
                  "com.microsoft.nchwc": 1},
          args="--target onnx,ort-cpu,ort-cuda,ort-dml,tensorrt,tflite")
m.input("X", 1, [1, 3, 8, 8])
m.init("W", 1, [4, 3, 3, 3])
m.node("Conv", ["X", "W"], ["C"])
m.node("Relu", ["C"], ["R"])
m.node("Constant", [], ["K"], attrs=[("value_float", 2.0)])
m.node("Mul", ["R", "K"], ["Y"])
m.output("Y", 1, None)
case("standard-clean", m)

# Domains imported but used by no node are not findings.
m = Model("eight unused domain imports: no finding",
          opsets={"": 16, "ai.onnx.ml": 3, "ai.onnx.training": 1,
                  "com.ms.internal.nhwc": 1, "ai.onnx.preview.training": 1,
                  "com.microsoft": 1, "com.microsoft.experimental": 1,
                  "com.microsoft.nchwc": 1, "org.pytorch.aten": 1})
m.input("X", 1, [2])
m.node("Relu", ["X"], ["Y"])
m.output("Y", 1, [2])
case("unused-domains", m)

m = Model("ONNX Runtime contrib op: ORT-only note",
          opsets={"": 14, "com.microsoft": 1})
m.input("X", 1, [1, 4])
m.node("FastGelu", ["X"], ["Y"], domain="com.microsoft")
m.output("Y", 1, [1, 4])
case("contrib-note", m)

m = Model("contrib op on TensorRT and ONNX Runtime CPU",
          opsets={"": 14, "com.microsoft": 1},
          args="--target tensorrt,ort-cpu")
m.input("X", 1, [1, 4])
m.node("FastGelu", ["X"], ["Y"], domain="com.microsoft")
m.output("Y", 1, [1, 4])
case("contrib-tensorrt", m)

m = Model("NCHWc operators of an offline-optimised model",
          opsets={"": 14, "com.microsoft.nchwc": 1})
m.input("X", 1, [1, 8, 4, 4])
m.node("ReorderInput", ["X"], ["A"], domain="com.microsoft.nchwc")
m.node("ReorderOutput", ["A"], ["Y"], domain="com.microsoft.nchwc",
       attrs=[("channels", 8)])
m.output("Y", 1, [1, 8, 4, 4])
case("nchwc", m)

m = Model("ATen fallback and onnxruntime-extensions operators",
          opsets={"": 14, "org.pytorch.aten": 1, "ai.onnx.contrib": 1})
m.input("X", 1, [4])
m.node("ATen", ["X"], ["A"], domain="org.pytorch.aten",
       attrs=[("operator", "erfinv")])
m.node("StringRegexReplace", ["A"], ["Y"], domain="ai.onnx.contrib")
m.output("Y", 1, [4])
case("aten-contrib", m)

m = Model("TensorRT plugin in the default domain",
          opsets={"": 13}, args="--target tensorrt,ort-cpu")
m.input("B", 1, [1, 10, 4])
m.input("S", 1, [1, 10, 2])
m.node("EfficientNMS_TRT", ["B", "S"], ["N", "D"])
m.output("N", 6, None)
m.output("D", 1, None)
case("trt-plugin", m)

m = Model("opset 6: no ONNX Runtime kernel for Add-6", opsets={"": 6},
          args="--target ort-cpu")
m.input("X", 1, [2])
m.node("Add", ["X", "X"], ["Y"])
m.output("Y", 1, [2])
case("version", m)

m = Model("opset 7: Add-7 has a kernel", opsets={"": 7},
          args="--target ort-cpu")
m.input("X", 1, [2])
m.node("Add", ["X", "X"], ["Y"])
m.output("Y", 1, [2])
case("version-ok", m)

m = Model("int16 Max: no CPU or CUDA kernel for the type",
          opsets={"": 13}, args="--target ort-cpu,ort-cuda,tensorrt")
m.input("X", 5, [2])
m.node("Max", ["X", "X"], ["Y"])
m.output("Y", 5, [2])
case("type", m)

m = Model("float16 Conv: the CPU provider runs it in float between Casts",
          opsets={"": 14}, args="--target ort-cpu,ort-cuda")
m.input("X", 10, [1, 1, 4, 4])
m.input("W", 10, [1, 1, 3, 3])
m.node("Conv", ["X", "W"], ["A"])
m.node("Relu", ["A"], ["Y"])
m.output("Y", 10, None)
case("type-float16-cpu", m)

m = Model("Det has no CUDA kernel: falls back to the CPU provider",
          opsets={"": 14}, args="--target ort-cuda,ort-dml")
m.input("X", 1, [3, 3])
m.node("Relu", ["X"], ["A"])
m.node("Det", ["A"], ["D"])
m.node("Relu", ["D"], ["Y"])
m.output("Y", 1, [])
case("fallback", m)

m = Model("opset 21 is newer than TensorRT 10.1 knows", opsets={"": 21},
          args="--target tensorrt")
m.input("X", 1, [2])
m.node("Relu", ["X"], ["Y"])
m.output("Y", 1, [2])
case("opset-tensorrt", m)

m = Model("LayerNormalization at opset 17 against ONNX opset 16",
          opsets={"": 17}, args="--target onnx@16,onnx@17")
m.input("X", 1, [2, 4])
m.init("G", 1, [4])
m.node("LayerNormalization", ["X", "G"], ["Y"])
m.output("Y", 1, [2, 4])
case("onnx-opset", m)

m = Model("DFT: onnx2tf converts it only partly", opsets={"": 17},
          args="--target tflite")
m.input("X", 1, [1, 8, 1])
m.node("DFT", ["X"], ["Y"])
m.output("Y", 1, None)
case("tflite-partial", m)

m = Model("two fallback islands: the unsupported node splits the chain",
          opsets={"": 17}, args="--target tensorrt")
m.input("X", 1, [4])
m.node("Relu", ["X"], ["A"])
m.node("Relu", ["A"], ["B"])
m.node("Unique", ["B"], ["U"])
m.node("Relu", ["U"], ["C"])
m.node("Relu", ["C"], ["Y"])
m.output("Y", 1, None)
case("islands", m)

m = Model("custom operator inside an If branch",
          opsets={"": 14, "com.example": 1})
m.input("c", 9, [])
m.input("X", 1, [2])
then = m.subgraph("then")
then.node("MyOp", ["X"], ["T"], domain="com.example")
then.output("T", 1, [2])
other = m.subgraph("else")
other.node("Relu", ["X"], ["E"])
other.output("E", 1, [2])
m.node("If", ["c"], ["Y"], attrs=[("then_branch", then),
                                   ("else_branch", other)])
m.output("Y", 1, [2])
case("subgraph", m)

m = Model("model text is escaped in every finding",
          opsets={"": 14, "com.ex\x1b[31m": 1})
m.input("X", 1, [2])
m.node("Op\x07\n", ["X"], ["Y"], domain="com.ex\x1b[31m")
m.output("Y", 1, [2])
case("escape", m)

m = Model("custom operator in a domain the model does not import",
          opsets={"": 14})
m.input("X", 1, [2])
m.node("MyOp", ["X"], ["Y"], domain="com.example")
m.output("Y", 1, [2])
case("custom-not-imported", m)
