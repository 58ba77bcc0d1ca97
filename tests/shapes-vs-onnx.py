#!/usr/bin/python3
# SPDX-License-Identifier: MIT
#
# Compares onnxfix's shape inference (src/ir/shapes.c, through
# `build/tests/test_shapes --dump`) with the onnx package's
# onnx.shape_inference.infer_shapes on real models: testdata/corpus and,
# when installed, Debian's libonnx-testdata.  Declared value_info and
# the main graph's output types are removed first so both infer from the
# same inputs.  Where both know an
# element type, a rank or a concrete dim they must agree; a model onnx
# itself cannot infer is skipped.  onnx runs with data_prop (its
# constant propagation of shape tensors); where both name a dim_param
# (onnx's generated unk__N names aside) the names must agree too.  Prints
# disagreements, then how many concrete dims each side knows that the
# other does not, and ends on
# "shapes-onnx: N passed, M failed" (N and M count models).
import glob
import os
import subprocess
import sys
import tempfile

try:
    import onnx
    from onnx import shape_inference
except ImportError:
    print("shapes-onnx: 0 passed, 0 failed (no onnx package)")
    sys.exit(0)

DUMP = "build/tests/test_shapes"
DEBIAN = "/usr/share/libonnx-testdata/data"


def ours(path):
    out = subprocess.run([DUMP, "--dump", path], capture_output=True,
                         text=True)
    if out.returncode != 0:
        return None
    types = {}
    for line in out.stdout.splitlines():
        f = line.split("\t")
        rank = int(f[2])
        dims = None
        if rank >= 0:
            dims = [None if d == "?" else d if d.startswith("=")
                    else int(d) for d in f[3:3 + rank]]
        types[f[0]] = (int(f[1]), dims)
    return types


def theirs(model):
    types = {}
    for vi in list(model.graph.value_info) + list(model.graph.output):
        if not vi.type.HasField("tensor_type"):
            continue
        tt = vi.type.tensor_type
        dims = None
        if tt.HasField("shape"):
            dims = [d.dim_value if d.HasField("dim_value") else
                    "=" + d.dim_param if d.HasField("dim_param") and
                    not d.dim_param.startswith("unk__") else None
                    for d in tt.shape.dim]
        types[vi.name] = (tt.elem_type, dims)
    return types


def compare(path, tmp):
    """Returns (status, messages, ours_only, theirs_only)."""
    try:
        m = onnx.load(path)
        del m.graph.value_info[:]
        for o in m.graph.output:
            o.type.Clear()
        onnx.save(m, tmp)
        inferred = shape_inference.infer_shapes(m, data_prop=True)
    except Exception:
        return "skip", [], 0, 0
    a = ours(tmp)
    if a is None:
        return "fail", ["%s: onnxfix could not load it" % path], 0, 0
    b = theirs(inferred)
    produced = set(n for node in m.graph.node for n in node.output)
    msgs = []
    only_a = only_b = 0
    for name, (eb, db) in b.items():
        if name not in a or name not in produced:
            if db:
                only_b += sum(1 for d in db if isinstance(d, int))
            continue
        ea, da = a[name]
        if ea and eb and ea != eb:
            msgs.append("%s: '%s' element type %d, onnx %d"
                        % (path, name, ea, eb))
            continue
        if da is None or db is None:
            if db:
                only_b += sum(1 for d in db if isinstance(d, int))
            if da:
                only_a += sum(1 for d in da if isinstance(d, int))
            continue
        if len(da) != len(db):
            msgs.append("%s: '%s' rank %d, onnx %d"
                        % (path, name, len(da), len(db)))
            continue
        for i, (x, y) in enumerate(zip(da, db)):
            xi, yi = isinstance(x, int), isinstance(y, int)
            if (xi and yi and x != y) or (x and y and not xi and
                                          not yi and x != y):
                msgs.append("%s: '%s' dim %d is %s, onnx %s"
                            % (path, name, i, x, y))
            elif xi and not yi:
                only_a += 1
            elif not xi and yi:
                only_b += 1
    return ("fail" if msgs else "pass"), msgs, only_a, only_b


def main():
    models = sorted(glob.glob("testdata/corpus/*.onnx"))
    if os.path.isdir(DEBIAN) and os.environ.get("SHAPES_ONNX_QUICK") is None:
        models += sorted(glob.glob(DEBIAN + "/**/*.onnx", recursive=True))
    passed = failed = skipped = only_a = only_b = 0
    with tempfile.TemporaryDirectory() as d:
        tmp = os.path.join(d, "m.onnx")
        for path in models:
            st, msgs, a, b = compare(path, tmp)
            only_a += a
            only_b += b
            for msg in msgs[:5]:
                print("FAIL: " + msg)
            if st == "pass":
                passed += 1
            elif st == "fail":
                failed += 1
            else:
                skipped += 1
    print("shapes-onnx: %d models compared, %d skipped; concrete dims "
          "only onnxfix knows: %d, only onnx knows: %d"
          % (passed + failed, skipped, only_a, only_b))
    print("shapes-onnx: %d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 else 1


sys.exit(main())
