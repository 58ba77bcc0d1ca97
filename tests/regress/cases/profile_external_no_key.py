# SPDX-License-Identifier: MIT
# An external tensor one of whose external_data entries has no key:
# info --profile compared that missing key with strcmp and crashed.  Its
# entries are now read as the loader reads them (ext_parse).
import sys
from onnx import TensorProto, helper, save
t = TensorProto()
t.name = "w"; t.data_type = TensorProto.FLOAT; t.dims.extend([4])
t.data_location = TensorProto.EXTERNAL
e = t.external_data.add(); e.value = "stray"          # an entry without a key
e = t.external_data.add(); e.key = "location"; e.value = "w.bin"
e = t.external_data.add(); e.key = "length"; e.value = "16"
g = helper.make_graph([helper.make_node("Add", ["x", "w"], ["y"])], "g",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, [4])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, [4])], [t])
m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)])
m.ir_version = 8
save(m, sys.argv[1])
