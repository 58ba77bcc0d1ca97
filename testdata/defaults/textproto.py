# SPDX-License-Identifier: MIT
#
# A small writer of ONNX models in protobuf text format, for the scripts
# that generate golden cases (testdata/target/gen.py,
# testdata/defaults/gen.py).  No dependency beyond Python 3.
import struct


def q(s):
    """A protobuf text-format string literal (octal escapes)."""
    out = []
    data = s if isinstance(s, bytes) else s.encode("utf-8")
    for b in data:
        c = chr(b)
        if c == '"' or c == "\\":
            out.append("\\" + c)
        elif 32 <= b < 127:
            out.append(c)
        else:
            out.append("\\%03o" % b)
    return '"' + "".join(out) + '"'


def fmt_float(v):
    return repr(float(v))


class Graph:
    def __init__(self, name):
        self.name = name
        self.nodes = []
        self.inputs = []
        self.outputs = []
        self.inits = []
        self.value_info = []

    def input(self, name, elem, shape):
        self.inputs.append((name, elem, shape))

    def output(self, name, elem, shape):
        self.outputs.append((name, elem, shape))

    def vinfo(self, name, elem, shape):
        self.value_info.append((name, elem, shape))

    def init(self, name, elem, dims, values=None):
        """An initializer; VALUES (floats for elem 1/10, ints for 6/7, bools
        for 9) are
        stored in raw_data, zeros when None."""
        n = 1
        for d in dims:
            n *= d
        if values is None:
            values = [0] * n
        assert len(values) == n
        if elem == 1:
            raw = struct.pack("<%df" % n, *values)
        elif elem == 10:
            raw = struct.pack("<%de" % n, *values)
        elif elem == 7:
            raw = struct.pack("<%dq" % n, *values)
        elif elem == 6:
            raw = struct.pack("<%di" % n, *values)
        elif elem == 9:
            raw = struct.pack("<%d?" % n, *values)
        else:
            raise ValueError("elem %d" % elem)
        self.inits.append((name, elem, dims, raw))

    def node(self, op, inputs, outputs, domain="", name=None, attrs=()):
        self.nodes.append((op, inputs, outputs, domain, name, list(attrs)))

    @staticmethod
    def _type(elem, shape, ind):
        s = ind + "type {\n" + ind + "  tensor_type {\n"
        s += ind + "    elem_type: %d\n" % elem
        if shape is not None:
            s += ind + "    shape {\n"
            for d in shape:
                if isinstance(d, str):
                    s += ind + "      dim { dim_param: %s }\n" % q(d)
                else:
                    s += ind + "      dim { dim_value: %d }\n" % d
            s += ind + "    }\n"
        s += ind + "  }\n" + ind + "}\n"
        return s

    @staticmethod
    def _attr(a, ind):
        name, v = a
        s = ind + "attribute {\n" + ind + "  name: %s\n" % q(name)
        if isinstance(v, Graph):
            s += ind + "  type: GRAPH\n" + ind + "  g {\n"
            s += v.body(ind + "    ")
            s += ind + "  }\n"
        elif isinstance(v, bool) or isinstance(v, int):
            s += ind + "  type: INT\n" + ind + "  i: %d\n" % int(v)
        elif isinstance(v, float):
            s += ind + "  type: FLOAT\n" + ind + "  f: %s\n" % fmt_float(v)
        elif isinstance(v, str):
            s += ind + "  type: STRING\n" + ind + "  s: %s\n" % q(v)
        elif isinstance(v, list) and all(isinstance(x, int) for x in v):
            s += ind + "  type: INTS\n"
            for x in v:
                s += ind + "  ints: %d\n" % x
        elif isinstance(v, list):
            s += ind + "  type: FLOATS\n"
            for x in v:
                s += ind + "  floats: %s\n" % fmt_float(x)
        elif isinstance(v, tuple) and v[0] == "tensor":
            # ("tensor", elem, dims, values)
            _, elem, dims, vals = v
            s += ind + "  type: TENSOR\n" + ind + "  t {\n"
            for d in dims:
                s += ind + "    dims: %d\n" % d
            s += ind + "    data_type: %d\n" % elem
            for x in vals:
                if elem == 1:
                    s += ind + "    float_data: %s\n" % fmt_float(x)
                else:
                    s += ind + "    int64_data: %d\n" % x
            s += ind + "  }\n"
        else:
            raise ValueError(v)
        s += ind + "}\n"
        return s

    def body(self, ind):
        s = ""
        for op, ins, outs, dom, name, attrs in self.nodes:
            s += ind + "node {\n"
            for i in ins:
                s += ind + "  input: %s\n" % q(i)
            for o in outs:
                s += ind + "  output: %s\n" % q(o)
            if name is not None:
                s += ind + "  name: %s\n" % q(name)
            s += ind + "  op_type: %s\n" % q(op)
            if dom:
                s += ind + "  domain: %s\n" % q(dom)
            for a in attrs:
                s += self._attr(a, ind + "  ")
            s += ind + "}\n"
        s += ind + "name: %s\n" % q(self.name)
        for name, elem, dims, raw in self.inits:
            s += ind + "initializer {\n"
            for d in dims:
                s += ind + "  dims: %d\n" % d
            s += ind + "  data_type: %d\n" % elem
            s += ind + "  name: %s\n" % q(name)
            s += ind + "  raw_data: %s\n" % q(raw)
            s += ind + "}\n"
        for kind, lst in (("input", self.inputs), ("output", self.outputs),
                          ("value_info", self.value_info)):
            for name, elem, shape in lst:
                s += ind + "%s {\n" % kind
                s += ind + "  name: %s\n" % q(name)
                s += self._type(elem, shape, ind + "  ")
                s += ind + "}\n"
        return s


class Model(Graph):
    def __init__(self, what, opsets, args=None, ir_version=8,
                 producer=None):
        Graph.__init__(self, "g")
        self.what = what
        self.opsets = opsets
        self.args = args
        self.ir_version = ir_version
        self.producer = producer

    def subgraph(self, name):
        return Graph(name)

    def text(self):
        s = "# %s\n" % self.what
        if self.args:
            s += "# args: %s\n" % self.args
        s += "ir_version: %d\n" % self.ir_version
        if self.producer:
            s += "producer_name: %s\n" % q(self.producer)
        else:
            s += 'producer_name: "onnxfix-tests"\n'
        s += "graph {\n" + self.body("  ") + "}\n"
        for d, v in self.opsets.items():
            s += "opset_import {\n  domain: %s\n  version: %d\n}\n" % (
                q(d), v)
        return s
