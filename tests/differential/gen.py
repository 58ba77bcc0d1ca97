#!/usr/bin/python3
# SPDX-License-Identifier: MIT
#
# Differential testing of `onnxfix check` (tests/differential/run.sh):
# broken models made from real ones, one breakage class per generator
# function, judged by onnxfix, by onnx's checker and by ONNX Runtime.
#
#   gen.py mutate DIR SEED LIMIT < SOURCES   write DIR/CLASS/*.onnx and
#                                            print "CLASS VARIANT FILE SRC"
#   gen.py onnx < FILES                      onnx.checker verdicts
#   gen.py ort NODE_SCRIPT < FILES           ONNX Runtime verdicts
#   gen.py fix ONNXFIX < FILES               onnxfix check verdicts
#   gen.py report MANIFEST ORIGINALS VERDICTS THRESHOLDS [DETAILS]
#
# A verdict line is "ok FILE" or "reject FILE MESSAGE".  Every source the
# mutations start from is accepted by both onnx's checker and ONNX
# Runtime (run.sh picks them), so a rejection of a mutant is the
# mutation's doing.
#
# Generators: gen_CLASS(model, rng, k) changes MODEL (a copy) and returns
# the variant's name, or None when the class does not apply to it.  K is
# the number of mutants the class has so far: generators with variants
# rotate through them so that each variant gets its share.  Everything
# is deterministic for a seed: random.Random seeded from the seed and the
# class name (crc32, not hash(): that one changes per process).
import json
import os
import random
import re
import subprocess
import sys
import zlib

import numpy as np
import onnx
from onnx import AttributeProto, TensorProto, helper, numpy_helper

UNDEF = 'onnxfix_undefined_value'
LIST_MAX = 4096  # elements of a made-up initializer


# --- helpers -------------------------------------------------------------

def opset_of(m, domain):
    for o in m.opset_import:
        if (o.domain or 'ai.onnx') == (domain or 'ai.onnx'):
            return o.version
    return None


def schema_of(m, node):
    """The onnx schema of NODE at the model's opset, or None."""
    ver = opset_of(m, node.domain)
    if ver is None:
        return None
    try:
        return onnx.defs.get_schema(node.op_type, ver, node.domain)
    except Exception:
        return None


def tensor_inputs(m):
    """Graph inputs that are tensors with a known element type and shape
    and are not initializers already."""
    inits = {t.name for t in m.graph.initializer}
    out = []
    for vi in m.graph.input:
        if vi.name in inits or not vi.type.HasField('tensor_type'):
            continue
        tt = vi.type.tensor_type
        if tt.elem_type != 0 and tt.HasField('shape'):
            out.append(vi)
    return out


def dims_of(vi):
    """Concrete dims of a tensor input: unknown ones become 1."""
    return [d.dim_value if d.HasField('dim_value') and d.dim_value > 0
        else 1 for d in vi.type.tensor_type.shape.dim]


NP = {
    TensorProto.FLOAT: np.float32, TensorProto.DOUBLE: np.float64,
    TensorProto.INT64: np.int64, TensorProto.INT32: np.int32,
    TensorProto.INT16: np.int16, TensorProto.INT8: np.int8,
    TensorProto.UINT8: np.uint8, TensorProto.UINT16: np.uint16,
    TensorProto.UINT32: np.uint32, TensorProto.UINT64: np.uint64,
    TensorProto.BOOL: np.bool_, TensorProto.FLOAT16: np.float16,
}


def zeros_tensor(name, elem, dims):
    """A TensorProto of zeros (raw_data), or None when ELEM has no numpy
    type here or the tensor would be large."""
    if elem not in NP or int(np.prod(dims, dtype=np.int64)) > LIST_MAX:
        return None
    t = numpy_helper.from_array(np.zeros(dims, dtype=NP[elem]), name)
    return t


def init_from_input(m, rng):
    """An initializer that fits one graph input exactly (legal: an input
    with a default), or (None, None)."""
    cands = [vi for vi in tensor_inputs(m)
        if vi.type.tensor_type.elem_type in NP]
    rng.shuffle(cands)
    for vi in cands:
        t = zeros_tensor(vi.name, vi.type.tensor_type.elem_type,
            dims_of(vi))
        if t is not None:
            return vi, t
    return None, None


def pick(rng, seq):
    seq = list(seq)
    return rng.choice(seq) if seq else None


def rotate(k, variants, try_one):
    """Try the variants starting at K's turn; the first that applies."""
    for j in range(len(variants)):
        v = variants[(k + j) % len(variants)]
        if try_one(v):
            return v
    return None


def all_nodes(m):
    return list(m.graph.node)


def std_nodes(m):
    """Nodes of the default domain with a known schema."""
    return [n for n in m.graph.node if n.domain in ('', 'ai.onnx') and
        schema_of(m, n) is not None]


# --- generators ----------------------------------------------------------

def gen_init_input_type_mismatch(m, rng, k):
    """An initializer named like a graph input, of another element type,
    rank or fixed dim."""
    def one(v):
        cands = tensor_inputs(m)
        if v == 'dim':
            cands = [vi for vi in cands if any(
                d.HasField('dim_value') and d.dim_value > 0
                for d in vi.type.tensor_type.shape.dim)]
        rng.shuffle(cands)
        for vi in cands:
            elem = vi.type.tensor_type.elem_type
            dims = dims_of(vi)
            if v == 'elem':
                others = [e for e in (TensorProto.FLOAT,
                    TensorProto.INT64, TensorProto.INT32,
                    TensorProto.DOUBLE, TensorProto.UINT8)
                    if e != elem]
                elem = rng.choice(others)
            elif v == 'rank':
                dims = dims + [1]
            else:
                fixed = [i for i, d in enumerate(
                    vi.type.tensor_type.shape.dim)
                    if d.HasField('dim_value') and
                    d.dim_value > 0]
                i = rng.choice(fixed)
                dims[i] += 1
            t = zeros_tensor(vi.name, elem, dims)
            if t is None:
                continue
            m.graph.initializer.append(t)
            return True
        return False
    return rotate(k, ['elem', 'rank', 'dim'], one)


# Which AttributeProto field holds each type's value.
FIELD = {
    AttributeProto.FLOAT: 'f', AttributeProto.INT: 'i',
    AttributeProto.STRING: 's', AttributeProto.TENSOR: 't',
    AttributeProto.GRAPH: 'g', AttributeProto.FLOATS: 'floats',
    AttributeProto.INTS: 'ints', AttributeProto.STRINGS: 'strings',
}


def set_field(a, field, src):
    """Put a value derived from attribute SRC's into A's FIELD."""
    if field == 'f':
        a.f = float(src.i if src.type == AttributeProto.INT else 1.5)
    elif field == 'i':
        a.i = int(src.f) if src.type == AttributeProto.FLOAT else 1
    elif field == 's':
        a.s = b'1'
    elif field == 'ints':
        if src.type == AttributeProto.FLOATS:
            a.ints.extend(int(x) for x in src.floats)
        else:
            a.ints.extend([int(src.i) if src.type ==
                AttributeProto.INT else 1])
    elif field == 'floats':
        if src.type == AttributeProto.INTS:
            a.floats.extend(float(x) for x in src.ints)
        else:
            a.floats.extend([1.0])


def gen_attr_wrong_field(m, rng, k):
    """An attribute whose value is in another field than its type says
    (type INT, value in f; type FLOATS, value in ints; ...)."""
    variants = [
        (AttributeProto.INT, 'f'), (AttributeProto.INT, 's'),
        (AttributeProto.INT, 'ints'), (AttributeProto.FLOAT, 'i'),
        (AttributeProto.FLOATS, 'ints'), (AttributeProto.INTS, 'floats'),
        (AttributeProto.STRING, 'i'), (AttributeProto.TENSOR, 'floats'),
    ]

    def one(v):
        typ, field = v
        cands = []
        for n in all_nodes(m):
            for a in n.attribute:
                if a.type != typ or a.ref_attr_name:
                    continue
                if typ in (AttributeProto.FLOATS,
                    AttributeProto.INTS) and len(
                    getattr(a, FIELD[typ])) == 0:
                    continue
                cands.append(a)
        if not cands:
            return False
        a = rng.choice(cands)
        src = AttributeProto()
        src.CopyFrom(a)
        a.ClearField(FIELD[typ])
        set_field(a, field, src)
        return True
    v = rotate(k, variants, one)
    if v is None:
        return None
    return '%s_in_%s' % (AttributeProto.AttributeType.Name(v[0]).lower(),
        v[1])


def gen_attr_missing_required(m, rng, k):
    """A required attribute (by the operator's schema) left out."""
    cands = []
    for n in std_nodes(m):
        s = schema_of(m, n)
        for a in n.attribute:
            if a.name in s.attributes and \
                s.attributes[a.name].required:
                cands.append((n, a.name))
    if not cands:
        return None
    n, name = rng.choice(cands)
    keep = [a for a in n.attribute if a.name != name]
    del n.attribute[:]
    n.attribute.extend(keep)
    return 'removed'


def gen_attr_unknown(m, rng, k):
    """An attribute the operator does not define: a new one, or an
    optional one renamed."""
    def one(v):
        nodes = std_nodes(m)
        if v == 'renamed':
            cands = []
            for n in nodes:
                s = schema_of(m, n)
                cands += [(n, a) for a in n.attribute
                    if a.name in s.attributes and
                    not s.attributes[a.name].required]
            if not cands:
                return False
            n, a = rng.choice(cands)
            a.name = a.name + '_x'
            return True
        n = pick(rng, nodes)
        if n is None:
            return False
        n.attribute.append(helper.make_attribute('onnxfix_unknown', 1))
        return True
    return rotate(k, ['added', 'renamed'], one)


def gen_wrong_input_count(m, rng, k):
    """More inputs than the schema allows, or fewer than it requires."""
    names = [vi.name for vi in m.graph.input]

    def one(v):
        cands = []
        for n in std_nodes(m):
            s = schema_of(m, n)
            if v == 'extra' and s.max_input < 64 and names:
                cands.append((n, s))
            if v == 'missing' and s.min_input >= 1 and \
                len(n.input) >= s.min_input:
                cands.append((n, s))
        if not cands:
            return False
        n, s = rng.choice(cands)
        if v == 'extra':
            while len(n.input) <= s.max_input:
                n.input.append(names[0])
        else:
            del n.input[s.min_input - 1:]
        return True
    return rotate(k, ['extra', 'missing'], one)


def gen_undefined_input(m, rng, k):
    """A node input naming a value nobody defines."""
    cands = [(n, i) for n in all_nodes(m) for i, x in enumerate(n.input)
        if x]
    if not cands:
        return None
    n, i = rng.choice(cands)
    n.input[i] = UNDEF
    return 'renamed'


def gen_duplicate_output(m, rng, k):
    """A value defined twice (SSA): a node repeated, or a node output
    named like a graph input."""
    g = m.graph

    def one(v):
        if v == 'node_twice':
            cands = [i for i, n in enumerate(g.node) if
                any(n.output)]
            if not cands:
                return False
            i = rng.choice(cands)
            n = onnx.NodeProto()
            n.CopyFrom(g.node[i])
            g.node.insert(i + 1, n)
            return True
        outs = [o for n in g.node for o in n.output if o]
        if not outs or not g.input:
            return False
        g.node.append(helper.make_node('Identity', [rng.choice(outs)],
            [rng.choice(list(g.input)).name]))
        return True
    return rotate(k, ['node_twice', 'redefines_input'], one)


def consumers(g):
    """Edges (a, b, j): node b's input j is an output of node a."""
    prod = {}
    for a, n in enumerate(g.node):
        for o in n.output:
            if o:
                prod[o] = a
    return [(prod[x], b, j) for b, n in enumerate(g.node)
        for j, x in enumerate(n.input) if x in prod]


def gen_cycle(m, rng, k):
    """A node that uses its own output, or two nodes that use each
    other's."""
    g = m.graph

    def one(v):
        if v == 'self':
            cands = [n for n in g.node if n.input and
                any(n.output)]
            if not cands:
                return False
            n = rng.choice(cands)
            j = rng.randrange(len(n.input))
            n.input[j] = [o for o in n.output if o][0]
            return True
        edges = [(a, b, j) for a, b, j in consumers(g) if a < b and
            g.node[a].input]
        if not edges:
            return False
        a, b, _ = rng.choice(edges)
        out = [o for o in g.node[b].output if o]
        if not out:
            return False
        na = g.node[a]
        na.input[rng.randrange(len(na.input))] = out[0]
        return True
    return rotate(k, ['self', 'two_nodes'], one)


def gen_unsorted(m, rng, k):
    """A consumer moved before its producer (no cycle)."""
    g = m.graph
    edges = [(a, b) for a, b, _ in consumers(g) if a < b]
    if not edges:
        return None
    a, b = rng.choice(edges)
    n = onnx.NodeProto()
    n.CopyFrom(g.node[b])
    del g.node[b]
    g.node.insert(a, n)
    return 'moved'


def gen_dangling_graph_output(m, rng, k):
    """A graph output nothing produces."""
    g = m.graph

    def one(v):
        if not g.output:
            return False
        if v == 'added':
            vi = onnx.ValueInfoProto()
            vi.CopyFrom(g.output[0])
            vi.name = UNDEF
            g.output.append(vi)
        else:
            rng.choice(list(g.output)).name = UNDEF
        return True
    return rotate(k, ['added', 'renamed'], one)


def gen_bad_opset_import(m, rng, k):
    """The default domain not imported, imported as version 0, or at a
    version from the future."""
    def one(v):
        ops = [o for o in m.opset_import if o.domain in
            ('', 'ai.onnx')]
        if not ops:
            return False
        if v == 'missing_default':
            if not any(n.domain in ('', 'ai.onnx')
                for n in m.graph.node):
                return False
            keep = [o for o in m.opset_import
                if o.domain not in ('', 'ai.onnx')]
            del m.opset_import[:]
            m.opset_import.extend(keep)
        elif v == 'version_0':
            ops[0].version = 0
        else:
            ops[0].version = 1000
        return True
    return rotate(k, ['missing_default', 'version_0', 'future'], one)


def gen_unknown_op(m, rng, k):
    """An operator the default domain does not define."""
    n = pick(rng, std_nodes(m))
    if n is None:
        return None
    n.op_type = 'OnnxfixNoSuchOp'
    return 'renamed'


def gen_bad_elem_type(m, rng, k):
    """An element type that is undefined (0) or not a TensorProto
    DataType at all, on a graph input, a graph output or an
    initializer."""
    g = m.graph

    def one(v):
        where, elem = v
        if where == 'init':
            vi, t = init_from_input(m, rng)
            if t is None:
                return False
            t.data_type = elem
            g.initializer.append(t)
            return True
        vis = [vi for vi in (g.input if where == 'input' else
            g.output) if vi.type.HasField('tensor_type')]
        if not vis:
            return False
        rng.choice(vis).type.tensor_type.elem_type = elem
        return True
    v = rotate(k, [('input', 0), ('output', 99), ('init', 0),
        ('input', 99), ('output', 0), ('init', 99)], one)
    return None if v is None else '%s_%d' % v


def gen_tensor_data_length_mismatch(m, rng, k):
    """An initializer whose data has more or fewer elements than its
    dims (raw_data or a typed field)."""
    def one(v):
        vi, t = init_from_input(m, rng)
        if t is None:
            return False
        width = len(t.raw_data) // max(1, int(np.prod(t.dims,
            dtype=np.int64)))
        if v == 'raw_short':
            if len(t.raw_data) < width or width == 0:
                return False
            t.raw_data = t.raw_data[:-width]
        elif v == 'raw_long':
            t.raw_data = t.raw_data + b'\0' * max(width, 1)
        else:
            if t.data_type != TensorProto.FLOAT:
                return False
            n = int(np.prod(t.dims, dtype=np.int64))
            t.ClearField('raw_data')
            t.float_data.extend([0.0] * (n + 1))
        m.graph.initializer.append(t)
        return True
    return rotate(k, ['raw_short', 'raw_long', 'float_data_long'], one)


def gen_negative_dim(m, rng, k):
    """A tensor with a negative dim: an initializer, a Constant's value,
    or a dim_value of a graph input's shape."""
    g = m.graph

    def one(v):
        if v == 'initializer':
            vi, t = init_from_input(m, rng)
            if t is None or not t.dims:
                return False
            t.dims[rng.randrange(len(t.dims))] = -1
            g.initializer.append(t)
            return True
        if v == 'constant':
            cands = [a for n in g.node if n.op_type == 'Constant'
                for a in n.attribute if a.name == 'value' and
                len(a.t.dims) > 0]
            if not cands:
                return False
            a = rng.choice(cands)
            a.t.dims[rng.randrange(len(a.t.dims))] = -2
            return True
        cands = [d for vi in tensor_inputs(m)
            for d in vi.type.tensor_type.shape.dim
            if d.HasField('dim_value')]
        if not cands:
            return False
        rng.choice(cands).dim_value = -3
        return True
    return rotate(k, ['initializer', 'constant', 'input_shape'], one)


def gen_if_branch_output_count(m, rng, k):
    """An If branch (or a Loop/Scan body) with one output fewer or one
    more than the node needs."""
    bodies = []
    for n in m.graph.node:
        for a in n.attribute:
            if n.op_type in ('If', 'Loop', 'Scan') and \
                a.type == AttributeProto.GRAPH and \
                n.domain in ('', 'ai.onnx'):
                bodies.append((n, a.g))
    if not bodies:
        return None

    def one(v):
        n, b = rng.choice(bodies)
        if v == 'dropped':
            if not b.output:
                return False
            del b.output[-1]
        else:
            if not b.output:
                return False
            vi = onnx.ValueInfoProto()
            vi.CopyFrom(b.output[0])
            b.node.append(helper.make_node('Identity',
                [b.output[0].name], ['onnxfix_extra_out']))
            vi.name = 'onnxfix_extra_out'
            b.output.append(vi)
        return True
    v = rotate(k, ['dropped', 'added'], one)
    return None if v is None else v


def gen_duplicate_initializer(m, rng, k):
    """Two initializers of one name (same data or different data)."""
    g = m.graph
    if g.initializer:
        t = onnx.TensorProto()
        t.CopyFrom(rng.choice(list(g.initializer)))
        base = None
    else:
        vi, t = init_from_input(m, rng)
        if t is None:
            return None
        base = onnx.TensorProto()
        base.CopyFrom(t)
        g.initializer.append(base)
    v = 'same' if k % 2 == 0 else 'different'
    if v == 'different':
        if t.raw_data:
            t.raw_data = bytes(255 - b for b in t.raw_data)
        else:
            v = 'same'
    g.initializer.append(t)
    return v


def gen_missing_graph_output_type(m, rng, k):
    """A main graph output without a type, or without an element type."""
    g = m.graph
    if not g.output:
        return None
    o = rng.choice(list(g.output))
    if k % 2 == 0 or not o.type.HasField('tensor_type'):
        o.ClearField('type')
        return 'no_type'
    o.type.tensor_type.ClearField('elem_type')
    return 'no_elem_type'


def contradict(rng, tt, v):
    """Change tensor type TT (a copy of an inferred one) so that it
    contradicts it by V: elem, rank or dim.  False when it cannot."""
    if v == 'elem':
        if tt.elem_type == 0:
            return False
        tt.elem_type = TensorProto.INT64 if \
            tt.elem_type != TensorProto.INT64 else TensorProto.FLOAT
        return True
    if not tt.HasField('shape'):
        return False
    if v == 'rank':
        tt.shape.dim.add().dim_value = 1
        return True
    fixed = [d for d in tt.shape.dim if d.HasField('dim_value') and
        d.dim_value > 0]
    if not fixed:
        return False
    rng.choice(fixed).dim_value += 1
    return True


def gen_value_info_type_contradiction(m, rng, k):
    """A declared type of a node output (value_info, or the graph output
    when the value has no other declaration) that contradicts what
    inference derives: element type, rank or a fixed dim."""
    try:
        inf = onnx.shape_inference.infer_shapes(m, strict_mode=True)
    except Exception:
        return None
    g = m.graph
    outs = {o.name for o in g.output}
    produced = {o for n in g.node for o in n.output if o}
    known = {vi.name: vi for vi in list(inf.graph.value_info) +
        list(inf.graph.output)
        if vi.name in produced and vi.type.HasField('tensor_type')}

    def one(v):
        names = sorted(known)
        rng.shuffle(names)
        for name in names:
            tt = onnx.TypeProto.Tensor()
            tt.CopyFrom(known[name].type.tensor_type)
            if not contradict(rng, tt, v):
                continue
            if name in outs:
                vi = [o for o in g.output if o.name == name][0]
                vi.type.tensor_type.CopyFrom(tt)
            else:
                vi = [x for x in g.value_info if x.name == name]
                vi = vi[0] if vi else g.value_info.add()
                vi.name = name
                vi.type.tensor_type.CopyFrom(tt)
            return True
        return False
    return rotate(k, ['elem', 'rank', 'dim'], one)


TYPE_STR = {
    TensorProto.FLOAT: 'tensor(float)', TensorProto.INT64: 'tensor(int64)',
    TensorProto.STRING: 'tensor(string)', TensorProto.BOOL: 'tensor(bool)',
    TensorProto.UINT8: 'tensor(uint8)', TensorProto.DOUBLE: 'tensor(double)',
    TensorProto.INT32: 'tensor(int32)',
}


def gen_type_constraint_violation(m, rng, k):
    """A graph input of an element type the operator it feeds does not
    accept (its schema's type constraint)."""
    inputs = {vi.name: vi for vi in tensor_inputs(m)}
    cands = []
    for n in std_nodes(m):
        s = schema_of(m, n)
        cons = {c.type_param_str: set(c.allowed_type_strs)
            for c in s.type_constraints}
        for i, x in enumerate(n.input):
            if x not in inputs or i >= len(s.inputs):
                continue
            ts = s.inputs[min(i, len(s.inputs) - 1)].typeStr
            allowed = cons.get(ts, {ts})
            bad = [e for e, t in TYPE_STR.items()
                if t not in allowed]
            if bad:
                cands.append((x, bad))
    if not cands:
        return None
    x, bad = rng.choice(cands)
    inputs[x].type.tensor_type.elem_type = rng.choice(sorted(bad))
    return 'input'


def gen_attr_wrong_type(m, rng, k):
    """An attribute of another type than the schema's, its value in the
    field of the type it claims (INT axis written as FLOAT)."""
    cands = []
    for n in std_nodes(m):
        s = schema_of(m, n)
        for a in n.attribute:
            sa = s.attributes.get(a.name)
            if sa is not None and a.type in (AttributeProto.INT,
                AttributeProto.FLOAT, AttributeProto.INTS,
                AttributeProto.FLOATS) and int(sa.type) == a.type:
                cands.append(a)
    if not cands:
        return None
    a = rng.choice(cands)
    src = AttributeProto()
    src.CopyFrom(a)
    a.ClearField(FIELD[a.type])
    new = {AttributeProto.INT: AttributeProto.FLOAT,
        AttributeProto.FLOAT: AttributeProto.INT,
        AttributeProto.INTS: AttributeProto.FLOATS,
        AttributeProto.FLOATS: AttributeProto.INTS}[a.type]
    a.type = new
    set_field(a, FIELD[new], src)
    return AttributeProto.AttributeType.Name(new).lower()


def gen_duplicate_attribute(m, rng, k):
    """An attribute given twice on one node."""
    cands = [n for n in std_nodes(m) if n.attribute]
    if not cands:
        return None
    n = rng.choice(cands)
    a = AttributeProto()
    a.CopyFrom(rng.choice(list(n.attribute)))
    n.attribute.append(a)
    return 'same'


def gen_duplicate_graph_input(m, rng, k):
    """A graph input listed twice."""
    g = m.graph
    if not g.input:
        return None
    vi = onnx.ValueInfoProto()
    vi.CopyFrom(rng.choice(list(g.input)))
    g.input.append(vi)
    return 'same'


def gen_bad_ir_version(m, rng, k):
    """ir_version missing (0) or from the future."""
    if k % 2 == 0:
        m.ClearField('ir_version')
        return 'missing'
    m.ir_version = 1000
    return 'future'



AXIS_OPS = ('Softmax', 'LogSoftmax', 'Hardmax', 'Gather', 'GatherElements',
    'ScatterElements', 'Concat', 'Flatten', 'ArgMax', 'ArgMin', 'TopK',
    'Split', 'OneHot', 'Compress')
AXES_OPS = {'Squeeze': 1, 'Unsqueeze': 1, 'ReduceSum': 1, 'ReduceMean': 1,
    'ReduceMax': 1, 'ReduceMin': 1, 'ReduceProd': 1, 'ReduceL1': 1,
    'ReduceL2': 1, 'ReduceLogSum': 1, 'ReduceLogSumExp': 1,
    'ReduceSumSquare': 1, 'Slice': 3}


def gen_shape_constraint(m, rng, k):
    """An axis, a list of axes, a count or sizes that do not fit the
    operator's input: an axis attribute beyond any rank, axes (attribute,
    or an int64 input made an initializer) naming axis 57, Tile repeats
    or Pad pads one longer than the rank asks for, Split sizes that do
    not add up to the dim."""
    g = m.graph
    ranks = {vi.name: len(vi.type.tensor_type.shape.dim)
        for vi in list(g.input) + list(g.value_info)
        if vi.type.HasField('tensor_type') and
        vi.type.tensor_type.HasField('shape')}
    ranks.update({t.name: len(t.dims) for t in g.initializer})
    inputs = {vi.name: vi for vi in g.input}

    def const_input(n, i, values):
        """Make input I of N an int64 initializer holding VALUES."""
        if i >= len(n.input) or not n.input[i]:
            return False
        name = n.input[i]
        for t in g.initializer:
            if t.name == name:
                t.CopyFrom(numpy_helper.from_array(
                    np.array(values, np.int64), name))
                return True
        vi = inputs.get(name)
        if vi is None or vi.type.tensor_type.elem_type != TensorProto.INT64:
            return False
        g.input.remove(vi)
        g.initializer.append(numpy_helper.from_array(
            np.array(values, np.int64), name))
        return True

    def one(v):
        nodes = [n for n in g.node if n.domain in ('', 'ai.onnx')]
        rng.shuffle(nodes)
        for n in nodes:
            ver = opset_of(m, '')
            if v == 'axis_attr' and n.op_type in AXIS_OPS:
                a = [a for a in n.attribute if a.name == 'axis']
                if a:
                    a[0].i = 57
                else:
                    n.attribute.append(helper.make_attribute('axis', 57))
                return True
            if v == 'axes' and n.op_type in AXES_OPS:
                a = [a for a in n.attribute if a.name == 'axes']
                if a:
                    del a[0].ints[:]
                    a[0].ints.append(57)
                    return True
                if const_input(n, AXES_OPS[n.op_type], [57]):
                    return True
            r = ranks.get(n.input[0]) if n.input else None
            if r is None:
                continue
            if v == 'count' and n.op_type in ('Tile', 'Pad') and \
                    ver >= 11 and const_input(n, 1, [1 if
                    n.op_type == 'Tile' else 0] * (r + 1 if
                    n.op_type == 'Tile' else 2 * r + 1)):
                return True
            if v == 'split' and n.op_type == 'Split' and ver >= 13 and \
                    len(n.output) > 0 and \
                    const_input(n, 1, [1000] * len(n.output)):
                return True
        return False
    return rotate(k, ['axis_attr', 'axes', 'count', 'split'], one)



ENUM_ATTRS = {'Conv': 'auto_pad', 'ConvTranspose': 'auto_pad',
    'ConvInteger': 'auto_pad', 'QLinearConv': 'auto_pad',
    'MaxPool': 'auto_pad', 'AveragePool': 'auto_pad', 'LpPool': 'auto_pad',
    'Resize': 'mode', 'DepthToSpace': 'mode', 'RNN': 'direction',
    'GRU': 'direction', 'LSTM': 'direction', 'GridSample': 'padding_mode',
    'RoiAlign': 'mode', 'Gelu': 'approximate'}


def gen_attr_bad_enum(m, rng, k):
    """A string attribute whose operator defines a closed set of values
    (auto_pad, Resize's mode, an RNN's direction, ...) set to a value
    outside it."""
    cands = [n for n in m.graph.node if n.domain in ('', 'ai.onnx') and
        n.op_type in ENUM_ATTRS]
    if not cands:
        return None
    n = rng.choice(cands)
    name = ENUM_ATTRS[n.op_type]
    for a in n.attribute:
        if a.name == name:
            a.s = b'ONNXFIX_BOGUS'
            return 'replaced'
    n.attribute.append(helper.make_attribute(name, 'ONNXFIX_BOGUS'))
    return 'added'


CLASSES = [
    ('init_input_type_mismatch', gen_init_input_type_mismatch),
    ('attr_wrong_field', gen_attr_wrong_field),
    ('attr_missing_required', gen_attr_missing_required),
    ('attr_unknown', gen_attr_unknown),
    ('wrong_input_count', gen_wrong_input_count),
    ('undefined_input', gen_undefined_input),
    ('duplicate_output', gen_duplicate_output),
    ('cycle', gen_cycle),
    ('unsorted', gen_unsorted),
    ('dangling_graph_output', gen_dangling_graph_output),
    ('bad_opset_import', gen_bad_opset_import),
    ('unknown_op', gen_unknown_op),
    ('bad_elem_type', gen_bad_elem_type),
    ('tensor_data_length_mismatch', gen_tensor_data_length_mismatch),
    ('negative_dim', gen_negative_dim),
    ('if_branch_output_count', gen_if_branch_output_count),
    ('duplicate_initializer', gen_duplicate_initializer),
    ('missing_graph_output_type', gen_missing_graph_output_type),
    ('value_info_type_contradiction', gen_value_info_type_contradiction),
    ('type_constraint_violation', gen_type_constraint_violation),
    ('attr_wrong_type', gen_attr_wrong_type),
    ('duplicate_attribute', gen_duplicate_attribute),
    ('duplicate_graph_input', gen_duplicate_graph_input),
    ('bad_ir_version', gen_bad_ir_version),
    ('shape_constraint', gen_shape_constraint),
    ('attr_bad_enum', gen_attr_bad_enum),
]


def source_name(path):
    """node/test_abs/model.onnx -> test_abs; corpus/x.onnx -> x."""
    base = os.path.basename(path)
    if base == 'model.onnx':
        return os.path.basename(os.path.dirname(path))
    return os.path.splitext(base)[0]


def cmd_mutate(out, seed, limit):
    sources = [l.strip() for l in sys.stdin if l.strip()]
    models = {}
    for path in sources:
        try:
            models[path] = onnx.load(path)
        except Exception:
            pass
    for name, fn in CLASSES:
        rng = random.Random(seed * 1000003 + zlib.crc32(name.encode()))
        order = [p for p in sources if p in models]
        rng.shuffle(order)
        os.makedirs(os.path.join(out, name), exist_ok=True)
        k = 0
        for path in order:
            if limit and k >= limit:
                break
            m = onnx.ModelProto()
            m.CopyFrom(models[path])
            try:
                v = fn(m, rng, k)
            except Exception as e:
                sys.stderr.write('gen.py: %s on %s: %s\n' %
                    (name, path, e))
                continue
            if v is None:
                continue
            f = os.path.join(out, name, '%03d_%s.onnx' % (k,
                source_name(path)))
            with open(f, 'wb') as fp:
                fp.write(m.SerializeToString())
            # the source's inputs, for ORT to run the mutant on
            data = os.path.join(os.path.dirname(path), 'test_data_set_0')
            if os.path.isdir(data):
                os.symlink(data, f + '.data')
            print(name, v, f, path)
            k += 1


# --- verdicts ------------------------------------------------------------

def cmd_onnx_worker():
    """One verdict per line of stdin, flushed: the parent restarts this
    worker after the file it was on when it died."""
    for line in sys.stdin:
        f = line.strip()
        if not f:
            continue
        try:
            m = onnx.load(f)
            onnx.checker.check_model(m, full_check=True)
            print('ok', f, flush=True)
        except Exception as e:
            msg = ' '.join(str(e).split())[:200]
            print('reject', f, msg or type(e).__name__,
                flush=True)


def verdicts(cmd, files, timeout=600):
    """Run CMD over FILES (one a line on stdin), restarting it after a
    file it dies on (that file is rejected: a crash)."""
    out = {}
    rest = list(files)
    while rest:
        p = subprocess.run(cmd, input='\n'.join(rest) + '\n',
            capture_output=True, text=True, timeout=timeout)
        # ORT's load warnings, after a "@@ FILE" line each
        warned, cur = {}, None
        for line in p.stderr.splitlines():
            if line.startswith('@@ '):
                cur = line[3:]
            elif cur is not None and 'Error merging shape info' in line:
                line = re.sub(r'\x1b\[[0-9;]*m', '', line)
                warned.setdefault(cur, 'warns: ' + re.sub(
                    r'^.*MergeShapeInfo\] ', '', line).strip()[:160])
        for line in p.stdout.splitlines():
            parts = line.split(' ', 2)
            if len(parts) >= 2 and parts[0] in ('ok', 'reject'):
                out[parts[1]] = (parts[0], parts[2] if
                    len(parts) > 2 else warned.get(parts[1], ''))
        left = [f for f in rest if f not in out]
        if not left:
            break
        out[left[0]] = ('reject', 'crash: status %d' % p.returncode)
        rest = left[1:]
    return out


def print_verdicts(v, files):
    for f in files:
        s, msg = v.get(f, ('reject', 'no verdict'))
        print(s, f, msg) if msg else print(s, f)


def cmd_onnx():
    files = [l.strip() for l in sys.stdin if l.strip()]
    print_verdicts(verdicts([sys.executable, __file__, 'onnx-worker'],
        files), files)


def cmd_ort(script):
    files = [l.strip() for l in sys.stdin if l.strip()]
    print_verdicts(verdicts(['node', script], files), files)


def fix_batch(onnxfix, files):
    """onnxfix check's verdicts on FILES: rejected when a finding is an
    error or fatal (and the status says so)."""
    p = subprocess.run([onnxfix, 'check', '--format', 'json',
        '--no-progress', '-j', '2', '--'] + files, capture_output=True,
        text=True, timeout=600)
    try:
        rep = json.loads(p.stdout)
    except ValueError:
        return None
    out = {}
    for mr in rep['models']:
        bad = [x for x in mr['findings'] if x['level'] in
            ('error', 'fatal')]
        if mr['status'] >= 1 and bad:
            out[mr['file']] = ('reject', ' '.join('%s' % x['code']
                for x in bad[:4]))
        elif mr['status'] >= 3:
            out[mr['file']] = ('reject', 'status %d' %
                mr['status'])
        else:
            out[mr['file']] = ('ok', '')
    return out


def cmd_fix(onnxfix):
    files = [l.strip() for l in sys.stdin if l.strip()]
    out = {}
    for i in range(0, len(files), 400):
        batch = files[i:i + 400]
        v = fix_batch(onnxfix, batch)
        if v is None:  # one model killed the run: one at a time
            v = {}
            for f in batch:
                w = fix_batch(onnxfix, [f])
                v[f] = w.get(f, ('reject', 'crash')) if w \
                    else ('reject', 'crash')
        out.update(v)
    print_verdicts(out, files)


# --- the table -----------------------------------------------------------

def read_verdicts(path):
    v = {}
    with open(path) as fp:
        for line in fp:
            parts = line.rstrip('\n').split(' ', 3)
            # TOOL STATUS FILE [MESSAGE]
            if len(parts) >= 3:
                v[(parts[0], parts[2])] = (parts[1] == 'reject',
                    parts[3] if len(parts) > 3 else '')
    return v


def cmd_report(manifest, origs, vpath, tpath, details):
    v = read_verdicts(vpath)
    with open(origs) as fp:
        srcs = [l.strip() for l in fp if l.strip()]
    thr = {}
    if tpath and os.path.exists(tpath):
        with open(tpath) as fp:
            for line in fp:
                line = line.split('#')[0].split()
                if len(line) == 2:
                    thr[line[0]] = float(line[1])
    unknown = set(thr) - {c for c, _ in CLASSES}
    fail = ['thresholds name no class %s' % c for c in sorted(unknown)]
    rows = []
    with open(manifest) as fp:
        for line in fp:
            cls, var, f, src = line.split()
            rows.append((cls, var, f, src))

    def rej(tool, f):
        return v.get((tool, f), (True, 'no verdict'))

    def ort_warns(f):
        """ORT accepts F but warns that a declared shape contradicts
        what its inference derives: an error of onnxfix's there is
        ORT's own finding, not a false alarm."""
        return rej('ort', f)[1].startswith('warns: ')

    print('%-30s %5s %5s %5s %5s %7s %6s' % ('class', 'mut', 'onnx',
        'ort', 'fix', 'recall', 'false'))
    tot = [0] * 6
    misses = []
    alarms = []
    noticed = []
    for cls, _ in CLASSES:
        rs = [r for r in rows if r[0] == cls]
        n = len(rs)
        on = sum(rej('onnx', r[2])[0] for r in rs)
        ort = sum(rej('ort', r[2])[0] for r in rs)
        fx = sum(rej('fix', r[2])[0] for r in rs)
        broken = [r for r in rs if rej('onnx', r[2])[0] or
            rej('ort', r[2])[0]]
        caught = sum(rej('fix', r[2])[0] for r in broken)
        accepted = [r for r in rs if r not in broken]
        false = sum(rej('fix', r[2])[0] and not ort_warns(r[2])
            for r in accepted)
        misses += [r for r in broken if not rej('fix', r[2])[0]]
        alarms += [r for r in accepted if rej('fix', r[2])[0] and
            not ort_warns(r[2])]
        noticed += [r for r in accepted if rej('fix', r[2])[0] and
            ort_warns(r[2])]
        recall = '%d/%d' % (caught, len(broken))
        print('%-30s %5d %5d %5d %5d %7s %6s' % (cls, n, on, ort, fx,
            recall, '%d/%d' % (false, len(accepted))))
        for i, x in enumerate((n, on, ort, fx, caught, len(broken))):
            tot[i] += x
        if cls in thr and not broken:
            fail.append('%s: no mutant rejected by onnx or ORT' %
                cls)
        elif cls in thr and caught < thr[cls] * len(broken):
            fail.append('%s: recall %d/%d below %.2f' % (cls,
                caught, len(broken), thr[cls]))
    print('%-30s %5d %5d %5d %5d %7s' % ('total', tot[0], tot[1], tot[2],
        tot[3], '%d/%d' % (tot[4], tot[5])))
    # the control: the sources themselves
    both = [f for f in srcs if not rej('onnx', f)[0] and
        not rej('ort', f)[0]]
    fa = [f for f in both if rej('fix', f)[0]]
    print('originals: %d, accepted by both %d, onnxfix errors on %d' %
        (len(srcs), len(both), len(fa)))
    for f in fa:
        print('  false alarm on original %s: %s' % (f,
            rej('fix', f)[1]))
        fail.append('false alarm on original ' + f)
    # Each miss and each false alarm into DETAILS; here, one line per
    # class and variant: how many, and the first one's messages.
    def group(title, rs, show):
        if not rs:
            return
        print(title)
        seen = {}
        for r in rs:
            seen.setdefault((r[0], r[1]), []).append(r)
        for (cls, var), g in seen.items():
            print('  %s %s: %d, e.g. %s %s' % (cls, var, len(g),
                os.path.basename(g[0][2]), show(g[0][2])))

    def why(f):
        return '[onnx: %s] [ort: %s]' % (rej('onnx', f)[1][:80] or '-',
            rej('ort', f)[1][:80] or '-')
    group('missed (rejected by onnx or ORT, not by onnxfix):', misses,
        why)
    group('onnxfix errors on mutants both accept:', alarms,
        lambda f: '[%s]' % rej('fix', f)[1])
    group('onnxfix errors on mutants both accept, where ORT warns that a '
        'declared shape contradicts its inference:', noticed,
        lambda f: '[%s] [ort: %s]' % (rej('fix', f)[1], rej('ort', f)[1]))
    if details:
        with open(details, 'w') as fp:
            for cls, var, f, src in misses:
                fp.write('miss %s %s %s %s\n' % (cls, var, f,
                    why(f)))
            for cls, var, f, src in alarms:
                fp.write('alarm %s %s %s [%s]\n' % (cls, var, f,
                    rej('fix', f)[1]))
            for cls, var, f, src in noticed:
                fp.write('ort-warns %s %s %s [%s] [ort: %s]\n' % (cls,
                    var, f, rej('fix', f)[1], rej('ort', f)[1]))
    for x in fail:
        print('FAIL: ' + x)
    return 1 if fail else 0


def main():
    a = sys.argv[1:]
    if a[:1] == ['mutate'] and len(a) == 4:
        cmd_mutate(a[1], int(a[2]), int(a[3]))
    elif a == ['onnx']:
        cmd_onnx()
    elif a == ['onnx-worker']:
        cmd_onnx_worker()
    elif a[:1] == ['ort'] and len(a) == 2:
        cmd_ort(a[1])
    elif a[:1] == ['fix'] and len(a) == 2:
        cmd_fix(a[1])
    elif a[:1] == ['report'] and len(a) in (5, 6):
        sys.exit(cmd_report(a[1], a[2], a[3], a[4],
            a[5] if len(a) == 6 else None))
    else:
        sys.stderr.write('usage: gen.py mutate DIR SEED LIMIT | onnx | '
            'ort SCRIPT | fix ONNXFIX | report MANIFEST ORIGINALS VERDICTS '
            'THRESHOLDS [DETAILS]\n')
        sys.exit(64)


if __name__ == '__main__':
    main()
