# SPDX-License-Identifier: MIT
#
# Shrink a crasher of the structure-aware fuzz target by structure, not by
# bytes: drop nodes, graph inputs/outputs/initializers/value_info,
# attributes, node inputs and outputs, functions and opset imports (in
# every subgraph) for as long as the target still fails with the same
# SUMMARY line (or "fuzz: FILE:LINE" message).  Faster and far smaller
# than -minimize_crash=1 with the custom mutator.  OUT holds the smallest
# failing model so far at any time.
#
#   /usr/bin/python3 tests/fuzz/struct-min.py CRASH OUT [BINARY]
import copy
import re
import subprocess
import sys

import onnx

CRASH, OUT = sys.argv[1], sys.argv[2]
BIN = sys.argv[3] if len(sys.argv) > 3 else "build/fuzz/fuzz_struct"
TMP = OUT + ".try"


def signature(path):
    try:
        p = subprocess.run([BIN, "-timeout=20", path], capture_output=True,
                           text=True, errors="replace", timeout=60)
    except subprocess.TimeoutExpired:
        return "timeout"
    for pat in (r"fuzz: \S+:\d+: .*", r"SUMMARY: .*",
                r"ERROR: libFuzzer: \w+"):
        m = re.search(pat, p.stderr)
        if m:
            # the line number of the harness's assertion is the signature
            return re.sub(r"0x[0-9a-f]+", "", m.group(0))
    return None


def fails(model, want):
    with open(TMP, "wb") as f:
        f.write(model.SerializeToString())
    return signature(TMP) == want


def graphs(g):
    yield g
    for n in g.node:
        for a in n.attribute:
            if a.HasField("g"):
                yield from graphs(a.g)
            for s in a.graphs:
                yield from graphs(s)


def candidates(m):
    """(description, function that edits a copy) for every removal."""
    out = []
    # big chunks first: halves, quarters, ... of every list
    n = len(m.functions)
    k = n // 2
    while k >= 2:
        for i in range(0, n - k + 1, k):
            out.append((-2, "functions", i, k))
        k //= 2
    for gi, g in enumerate(graphs(m.graph)):
        for field in ("node", "initializer", "value_info", "output",
                      "input"):
            n = len(getattr(g, field))
            k = n // 2
            while k >= 2:
                for i in range(0, n - k + 1, k):
                    out.append((gi, "range", field, i, k))
                k //= 2
    for gi, g in enumerate(graphs(m.graph)):
        for field in ("node", "output", "input", "initializer",
                      "value_info", "sparse_initializer"):
            for i in range(len(getattr(g, field)) - 1, -1, -1):
                out.append((gi, field, i))
        for ni, n in enumerate(g.node):
            for i in range(len(n.attribute) - 1, -1, -1):
                out.append((gi, "attr", ni, i))
            for i in range(len(n.input) - 1, -1, -1):
                out.append((gi, "nin", ni, i))
            for i in range(len(n.output) - 1, -1, -1):
                out.append((gi, "nout", ni, i))
    for i in range(len(m.functions) - 1, -1, -1):
        out.append((-1, "functions", i))
    for i in range(len(m.opset_import) - 1, -1, -1):
        out.append((-1, "opset_import", i))
    for i in range(len(m.metadata_props) - 1, -1, -1):
        out.append((-1, "metadata_props", i))
    return out


def apply(m, c):
    m = copy.deepcopy(m)
    if c[0] == -2:
        del getattr(m, c[1])[c[2]:c[2] + c[3]]
        return m
    if c[0] < 0:
        del getattr(m, c[1])[c[2]]
        return m
    g = list(graphs(m.graph))[c[0]]
    if c[1] == "range":
        del getattr(g, c[2])[c[3]:c[3] + c[4]]
    elif c[1] == "attr":
        del g.node[c[2]].attribute[c[3]]
    elif c[1] == "nin":
        del g.node[c[2]].input[c[3]]
    elif c[1] == "nout":
        del g.node[c[2]].output[c[3]]
    else:
        del getattr(g, c[1])[c[2]]
    return m


def main():
    m = onnx.load_model_from_string(open(CRASH, "rb").read())
    want = signature(CRASH)
    print("signature:", want)
    if want is None:
        sys.exit("the input does not fail")
    changed = True
    while changed:
        changed = False
        for c in candidates(m):
            try:
                t = apply(m, c)
            except (IndexError, ValueError):
                continue
            if fails(t, want):
                m = t
                changed = True
                print("dropped", c, len(m.SerializeToString()), "bytes")
                with open(OUT, "wb") as f:   # the best so far
                    f.write(m.SerializeToString())
                break
    with open(OUT, "wb") as f:
        f.write(m.SerializeToString())
    print("wrote", OUT, len(m.SerializeToString()), "bytes")


if __name__ == "__main__":
    main()
