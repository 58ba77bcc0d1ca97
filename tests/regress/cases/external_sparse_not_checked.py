# SPDX-License-Identifier: MIT
# External data of a sparse initializer's values (and of a TENSORS
# attribute) was never checked: check passed /etc/passwd as a location
# and fix wrote the reference out.  Now every TensorProto goes through
# the resolver; the good reference of the TENSORS attribute passes, the
# sparse initializer's absolute path does not.
import os
import sys

import numpy as np
from onnx import TensorProto, helper

d = os.path.dirname(sys.argv[1])
os.makedirs(os.path.join(d, "sub"), exist_ok=True)
np.arange(4, dtype=np.float32).tofile(os.path.join(d, "sub", "v.bin"))


def ext(name, dims, loc):
    t = TensorProto()
    t.name = name
    t.dims.extend(dims)
    t.data_type = TensorProto.FLOAT
    t.data_location = TensorProto.EXTERNAL
    e = t.external_data.add()
    e.key, e.value = "location", loc
    return t


idx = helper.make_tensor("i", TensorProto.INT64, [4], [0, 1, 2, 3])
sp = helper.make_sparse_tensor(ext("w", [4], "/etc/passwd"), idx, [4])
custom = helper.make_node("Custom", ["x"], ["v"], domain="com.example")
custom.attribute.append(helper.make_attribute("ts", [ext("t", [4],
                                                         "sub/v.bin")]))
g = helper.make_graph(
    [custom, helper.make_node("Add", ["v", "w"], ["y"])], "g",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, [4])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, [4])],
    sparse_initializer=[sp])
m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 17),
                                        helper.make_opsetid("com.example",
                                                            1)])
m.ir_version = 8
with open(sys.argv[1], "wb") as f:
    f.write(m.SerializeToString())
