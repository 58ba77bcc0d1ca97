# SPDX-License-Identifier: MIT
# diff matched metadata_props keys and interface names by a scan per
# entry: 100,000 metadata keys took 75 s (quadratic); the run's 20 s
# bound catches it.  Also 20,000 graph inputs and outputs.
import sys

from onnx import TensorProto, helper, save

N = 20000
ins = [helper.make_tensor_value_info("x%d" % i, TensorProto.FLOAT, [1])
       for i in range(N)]
outs = [helper.make_tensor_value_info("y%d" % i, TensorProto.FLOAT, [1])
        for i in range(N)]
nodes = [helper.make_node("Relu", ["x%d" % i], ["y%d" % i])
         for i in range(N)]
m = helper.make_model(helper.make_graph(nodes, "g", ins, outs),
                      opset_imports=[helper.make_opsetid("", 13)])
for i in range(100000):
    p = m.metadata_props.add()
    p.key, p.value = "k%d" % i, "v%d" % i
save(m, sys.argv[1])
