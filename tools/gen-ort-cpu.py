#!/usr/bin/python3
# SPDX-License-Identifier: MIT
#
# gen-ort-cpu.py: measure which ai.onnx operators, schema versions and
# element types ONNX Runtime's CPU provider runs, by creating a session
# for one-node models (tools/ort-probe.js, onnxruntime-node), and write
# src/opdb/runtime-ort-cpu.tsv from the result.
#
#   /usr/bin/python3 tools/gen-ort-cpu.py [--out FILE] [--previous FILE]
#       [--work DIR]
#
# --previous: the table whose rows are kept where nothing can be measured
# (below); the output file by default.  --work: where the probe models
# go, and a cache of ORT's answers (answers.jsonl) that a rerun reuses.
#
# For every default-domain schema of src/opdb/schemas.tsv up to the
# newest opset ORT accepts, and every type of each of its type
# constraints, one model: a node of that operator at an opset where the
# schema is current, its typed values bound to the types probed.  The
# model is the op's first libonnx-testdata node model when there is one
# (its attributes and inputs are valid), retyped, else one built from the
# schema (required inputs and attributes only).  Session created: the type
# runs.  "Could not find an implementation" / NOT_IMPLEMENTED: it does
# not.  Any other error means the probe model is wrong for that version;
# the next template is tried, and a schema version that no probe could
# load keeps its rows of the previous table (the ORT documentation),
# printed as "kept" at the end.  A type that the Node.js binding cannot
# take as a graph input or output ("Unsupported data type": bfloat16,
# float8, int4, ...) cannot be probed; the previous table decides it.
#
# Operators with several type constraints are probed one constraint at a
# time around base assignments (each row of the previous table and
# float), then over the product of the types so found (up to PRODUCT),
# and the accepted combinations are written as rows that each hold a
# product of type lists (several rows for one since_version when ORT
# accepts only combinations, e.g. BatchNormalization-15, QLinearConv).
#
# float16: a node that ORT runs in float between inserted Casts (its
# InsertCastTransformer) is not a float16 kernel; the judge applies that
# rule itself (passes/target.c), so such float16 types are left out.  They
# are told apart by the Casts in the model ORT writes back
# (optimizedModelFilePath).
#
# Other domains (ai.onnx.ml, com.microsoft, ...) and ai.onnx operators
# without an ONNX schema (ORT-internal: Crop, ImageScaler, ...) keep the
# previous rows.

import csv
import itertools
import json
import os
import subprocess
import sys
import tempfile

import onnx
from onnx import helper

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCHEMAS = os.path.join(ROOT, 'src/opdb/schemas.tsv')
TABLE = os.path.join(ROOT, 'src/opdb/runtime-ort-cpu.tsv')
TESTDATA = '/usr/share/libonnx-testdata/data/node'
UNBOUNDED = 2147483647
PRODUCT = 2500

ELEM = {
    'float': 1, 'uint8': 2, 'int8': 3, 'uint16': 4, 'int16': 5, 'int32': 6,
    'int64': 7, 'string': 8, 'bool': 9, 'float16': 10, 'double': 11,
    'uint32': 12, 'uint64': 13, 'complex64': 14, 'complex128': 15,
    'bfloat16': 16, 'float8e4m3fn': 17, 'float8e4m3fnuz': 18,
    'float8e5m2': 19, 'float8e5m2fnuz': 20, 'uint4': 21, 'int4': 22,
    'float4e2m1': 23, 'float8e8m0': 24, 'uint2': 25, 'int2': 26,
}

SIZE = {1: 4, 2: 1, 3: 1, 4: 2, 5: 2, 6: 4, 7: 8, 9: 1, 10: 2, 11: 8,
        12: 4, 13: 8, 14: 8, 15: 16, 16: 2}

csv.field_size_limit(1 << 30)


def read_tsv(path):
    with open(path, newline='') as f:
        return list(csv.DictReader(f, delimiter='\t',
                                   quoting=csv.QUOTE_NONE))


def type_proto(s):
    """TypeProto of an ONNX type string, None when it cannot be built."""
    if s.startswith('tensor(') and s.endswith(')'):
        e = ELEM.get(s[7:-1])
        if e is None:
            return None
        return helper.make_tensor_type_proto(e, None)
    for pre, mk in (('seq(', helper.make_sequence_type_proto),
                    ('optional(', getattr(helper, 'make_optional_type_proto',
                                          None))):
        if s.startswith(pre) and s.endswith(')') and mk is not None:
            inner = type_proto(s[len(pre):-1])
            return None if inner is None else mk(inner)
    return None


def elem_of(s):
    """The element type number inside a type string (the innermost)."""
    i = s.rfind('tensor(')
    if i < 0:
        return None
    return ELEM.get(s[i + 7:s.index(')', i)])


def slot_param(io, i):
    if not io:
        return None
    if i >= len(io):
        if io[-1]['option'] != 'variadic':
            return None
        i = len(io) - 1
    t = io[i]['type']
    if io[i].get('heterogeneous') or '(' in t:
        return None
    return t


# Values of required attributes for models built from the schema.
ATTR = {
    'kernel_shape': [1, 1], 'axis': 0, 'blocksize': 1, 'direction': 'LEFT',
    'equation': 'ij->ij', 'num_groups': 1, 'size': 1, 'pooled_shape': [1, 1],
    'pads': [0, 0, 0, 0], 'paddings': [0, 0, 0, 0], 'shape': [1],
    'starts': [0], 'ends': [1], 'axes': [0], 'k': 1, 'num_scan_inputs': 1,
    'height_scale': 1.0, 'width_scale': 1.0, 'scales': [1.0, 1.0],
    'max_gram_length': 1, 'min_gram_length': 1, 'max_skip_count': 0,
    'mode': 'TF', 'ngram_counts': [0], 'ngram_indexes': [0],
    'consumed_inputs': [0], 'q_num_heads': 1, 'kv_num_heads': 1,
}


def set_dtype_attrs(node, op, since, outputs_types):
    """Attributes that name the output's element type follow it."""
    out = outputs_types[0] if outputs_types else None
    e = elem_of(out) if out else None
    for a in node.attribute:
        if e is None:
            break
        if a.name == 'to' and op in ('Cast',):
            if a.type == onnx.AttributeProto.STRING:
                a.s = [k for k, v in ELEM.items()
                       if v == e][0].upper().encode()
            else:
                a.i = e
        elif a.name in ('dtype', 'output_dtype') and \
                a.type == onnx.AttributeProto.INT:
            a.i = e
        elif a.name == 'value' and op == 'ConstantOfShape':
            t = onnx.TensorProto()
            t.name = 'v'
            t.data_type = e
            t.dims.append(1)
            if e == 8:
                t.string_data.append(b'a')
            else:
                # one zero element; 16 bytes cover every type's size
                t.raw_data = bytes(SIZE.get(e, 1))
            a.t.CopyFrom(t)


def from_schema(sch, assign):
    ins, outs = sch['inputs'], sch['outputs']
    nin = max(int(sch['min_inputs']), 0)
    if nin == 0 and ins and ins[0]['option'] == 'variadic':
        nin = 1
    vin, vout = [], []
    for i in range(nin):
        vin.append(('x%d' % i, ins[min(i, len(ins) - 1)]['type']))
    nout = max(int(sch['min_outputs']), 1) if outs else 0
    for i in range(nout):
        vout.append(('y%d' % i, outs[min(i, len(outs) - 1)]['type']))
    attrs = {}
    for a in sch['attributes']:
        if a['required']:
            if a['name'] == 'to':
                attrs['to'] = 1 if a['type'] == 'INT' else 'FLOAT'
            elif a['name'] == 'value':
                attrs['value'] = helper.make_tensor('v', 1, [1], [0.0])
            elif a['name'] in ATTR:
                attrs[a['name']] = ATTR[a['name']]
            else:
                return None
    node = helper.make_node(sch['op_type'], [n for n, _ in vin],
                            [n for n, _ in vout], **attrs)
    return build(node, sch, vin, vout, {}, assign)


def build(node, sch, vin, vout, inits, assign):
    """A model of NODE with the typed slots bound per ASSIGN."""
    def resolve(t, i, io):
        p = slot_param(io, i)
        if p is not None and p in assign:
            return assign[p]
        return t if '(' in t else None
    gin, gout, otypes = [], [], []
    for i, (n, t) in enumerate(vin):
        if n == '':
            continue
        rt = resolve(t, i, sch['inputs'])
        tp = type_proto(rt) if rt else None
        if tp is None:
            return None
        if n in inits:
            continue
        gin.append(helper.make_value_info(n, tp))
    for i, (n, t) in enumerate(vout):
        rt = resolve(t, i, sch['outputs'])
        tp = type_proto(rt) if rt else None
        if tp is None:
            return None
        otypes.append(rt)
        if n != '':
            gout.append(helper.make_value_info(n, tp))
    set_dtype_attrs(node, sch['op_type'], int(sch['since_version']), otypes)
    g = helper.make_graph([node], 'probe', gin, gout,
                          initializer=list(inits.values()))
    m = helper.make_model(g, opset_imports=[
        helper.make_opsetid('', int(sch['since_version']))])
    m.ir_version = 10 if int(sch['since_version']) >= 21 else 8
    return m


def from_template(path, sch, assign):
    m = onnx.load(path)
    g = m.graph
    if len(g.node) != 1:
        return None
    node = onnx.NodeProto()
    node.CopyFrom(g.node[0])
    inits = {t.name: t for t in g.initializer}
    ty = {v.name: v.type for v in list(g.input) + list(g.output)}
    vin = [(n, '') for n in node.input]
    vout = [(n, '') for n in node.output]
    # a slot keeps the template's own type unless a probed param binds it
    def fill(vals, io):
        r = []
        for i, (n, _) in enumerate(vals):
            p = slot_param(io, i)
            if p is not None and p in assign:
                r.append((n, p))
            elif n in ty:
                r.append((n, type_str(ty[n])))
            elif n == '':
                r.append((n, ''))
            else:
                return None
        return r
    vin, vout = fill(vin, sch['inputs']), fill(vout, sch['outputs'])
    if vin is None or vout is None or any(t is None for _, t in vin + vout):
        return None
    # an initializer bound to a probed param cannot be retyped: skip
    for i, (n, t) in enumerate(vin):
        if n in inits and t in assign:
            return None
    return build(node, sch, vin, vout, inits, assign)


def type_str(tp):
    k = tp.WhichOneof('value')
    if k == 'tensor_type':
        names = {v: k for k, v in ELEM.items()}
        e = names.get(tp.tensor_type.elem_type)
        return 'tensor(%s)' % e if e else None
    if k == 'sequence_type':
        s = type_str(tp.sequence_type.elem_type)
        return 'seq(%s)' % s if s else None
    if k == 'optional_type':
        s = type_str(tp.optional_type.elem_type)
        return 'optional(%s)' % s if s else None
    return None


def node_models():
    """op_type -> sorted list of libonnx-testdata one-node model paths."""
    r = {}
    if not os.path.isdir(TESTDATA):
        return r
    for d in sorted(os.listdir(TESTDATA)):
        p = os.path.join(TESTDATA, d, 'model.onnx')
        try:
            m = onnx.load(p)
        except Exception:
            continue
        if len(m.graph.node) != 1 or m.graph.node[0].domain not in (
                '', 'ai.onnx'):
            continue
        r.setdefault(m.graph.node[0].op_type, []).append(p)
    return r


class Prober:
    def __init__(self, work):
        self.work = work
        self.n = 0
        self.cache = {}
        self.proc = None
        self.log = None

    def load(self, path):
        """Answers of an earlier run (a --work directory's cache)."""
        self.log = path
        if os.path.exists(path):
            with open(path) as f:
                for line in f:
                    k, v = json.loads(line)
                    self.cache[json.dumps(k)] = tuple(v)

    def run(self, models):
        """models: list of (key, ModelProto) -> {key: (verdict, cast16)}"""
        orig = [k for k, _ in models]
        models = [(json.dumps(k), m) for k, m in models]
        lines, keys = [], {}
        for key, m in models:
            if key in self.cache:
                continue
            self.n += 1
            p = os.path.join(self.work, 'p%d.onnx' % self.n)
            onnx.save(m, p)
            keys[p] = key
            lines.append('%s\t%s.opt' % (p, p))
        if lines:
            if self.proc is None:
                self.proc = subprocess.Popen(
                    ['node', os.path.join(ROOT, 'tools', 'ort-probe.js')],
                    stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                    bufsize=1)
            answers = []
            for line in lines:
                self.proc.stdin.write(line + '\n')
                self.proc.stdin.flush()
                answers.append(self.proc.stdout.readline().rstrip('\n'))
            r = subprocess.CompletedProcess([], 0, '\n'.join(answers))
            for line in r.stdout.splitlines():
                v, p = line.split(' ', 2)[:2]
                msg = line.split(' ', 2)[2] if line.count(' ') >= 2 else ''
                # at opsets below 6 Cast's 'to' is a string, and the Cast
                # ORT inserts to run float16 in float fails to load
                if v == 'error' and 'InsertedPrecisionFreeCast' in msg:
                    v = 'nokernel'
                cast = False
                if v == 'ok' and os.path.exists(p + '.opt'):
                    om = onnx.load(p + '.opt')
                    cast = any(n.op_type == 'Cast' and
                               n.name.startswith('InsertedPrecisionFree')
                               for n in om.graph.node)
                    os.unlink(p + '.opt')
                self.cache[keys[p]] = (v, cast, msg)
                if self.log:
                    with open(self.log, 'a') as f:
                        f.write(json.dumps([json.loads(keys[p]),
                                            [v, cast, msg]]) + '\n')
                os.unlink(p)
        return {k: self.cache[json.dumps(k)] for k in orig
                if json.dumps(k) in self.cache}


def max_opset(prober):
    best = 0
    for v in range(7, 40):
        m = helper.make_model(helper.make_graph(
            [helper.make_node('Identity', ['x'], ['y'])], 'g',
            [helper.make_tensor_value_info('x', 1, None)],
            [helper.make_tensor_value_info('y', 1, None)]),
            opset_imports=[helper.make_opsetid('', v)])
        m.ir_version = 8
        r = prober.run([(('opset', v), m)])
        if r[('opset', v)][0] == 'ok':
            best = v
    return best


def rectangles(combos, params):
    """Exact cover of the set COMBOS (tuples) by products of sets."""
    rows = [tuple(frozenset([c[i]]) for i in range(len(params)))
            for c in combos]
    changed = True
    while changed:
        changed = False
        for i in range(len(params)):
            groups = {}
            for r in rows:
                k = r[:i] + r[i + 1:]
                groups.setdefault(k, set()).update(r[i])
            if len(groups) < len(rows):
                changed = True
            rows = [k[:i] + (frozenset(s),) + k[i:]
                    for k, s in groups.items()]
    return rows


def tc_json(tcs):
    return json.dumps({p: sorted(ts) for p, ts in sorted(tcs.items())},
                      separators=(',', ':'))


def main():
    out = TABLE
    prev = TABLE
    work = None
    a = sys.argv[1:]
    while a:
        if a[0] == '--out':
            out = a[1]
            a = a[2:]
        elif a[0] == '--previous':
            prev = a[1]
            a = a[2:]
        elif a[0] == '--work':
            work = a[1]
            a = a[2:]
        else:
            sys.exit('usage: gen-ort-cpu.py [--out FILE] [--previous FILE] '
                     '[--work DIR]')
    work = work or tempfile.mkdtemp(prefix='gen-ort-cpu.')
    os.makedirs(work, exist_ok=True)
    prober = Prober(work)
    prober.load(os.path.join(work, 'answers.jsonl'))
    old = read_tsv(prev)
    schemas = [s for s in read_tsv(SCHEMAS) if s['domain'] == 'ai.onnx']
    for s in schemas:
        for k in ('attributes', 'inputs', 'outputs', 'type_constraints'):
            s[k] = json.loads(s[k] or ('[]' if k != 'type_constraints'
                                       else '{}'))
    templates = node_models()
    # operators whose newest schema has a function body (ops.tsv)
    functions = {r['op_type'] for r in read_tsv(os.path.join(
        ROOT, 'src/opdb/ops.tsv')) if r['domain'] == 'ai.onnx' and
        r['function'] == '1'}
    top = max_opset(prober)
    print('gen-ort-cpu: ORT accepts ai.onnx opsets up to %d' % top,
          file=sys.stderr)
    byop = {}
    for s in schemas:
        byop.setdefault(s['op_type'], []).append(s)
    rows, kept, probes = [], [], 0
    nbinding = [0]
    for op in sorted(byop):
        vers = sorted(byop[op], key=lambda s: int(s['since_version']))
        vers = [s for s in vers if int(s['since_version']) <= top]
        for vi, sch in enumerate(vers):
            since = int(sch['since_version'])
            end = UNBOUNDED if vi == len(vers) - 1 else \
                int(vers[vi + 1]['since_version']) - 1
            if sch['deprecated'] == '1':
                continue
            tcs = sch['type_constraints']
            params = sorted(tcs)
            oldrows = [r for r in old if r['domain'] == 'ai.onnx' and
                       r['op_type'] == op and int(r['since_version']) <=
                       since <= int(r['end_version'])]
            bases = []
            for r in oldrows:
                t = json.loads(r['type_constraints'])
                b = {p: (t[p][0] if t.get(p) else tcs[p][0])
                     for p in params}
                if b not in bases:
                    bases.append(b)
            b = {p: ('tensor(float)' if 'tensor(float)' in tcs[p]
                     else tcs[p][0]) for p in params}
            if b not in bases:
                bases.append(b)
            cands = templates.get(op, [])[:4] + [None]
            used = set()
            # ORT expands a function body that depends on the node (Clip
            # with or without min and max): for such an operator with one
            # type constraint every probe model is tried, and a type runs
            # when one of them loads, so that no model ORT runs is refused
            union = op in functions and len(params) == 1

            def probe(assigns):
                """assignment tuples -> 'ok'|'cast'|'no'|None"""
                res = {}
                todo = list(assigns)
                for c in cands:
                    if not todo:
                        break
                    if union:
                        todo = [a for a in todo if res.get(a) != 'ok']
                    batch = []
                    for asg in todo:
                        d = dict(zip(params, asg))
                        try:
                            m = (from_schema(sch, d) if c is None else
                                 from_template(c, sch, d))
                        except Exception as ex:  # a probe we cannot build
                            print('gen-ort-cpu: %s-%d %s: %s' % (
                                op, since, asg, ex), file=sys.stderr)
                            m = None
                        if m is not None:
                            batch.append(((op, since, c, asg), m))
                    r = prober.run(batch)
                    nxt = []
                    for asg in todo:
                        v = r.get((op, since, c, asg))
                        if v is not None and v[0] == 'error' and \
                                v[2].startswith('Unsupported data type'):
                            # the Node.js binding takes no graph input or
                            # output of this type (bfloat16, float8, int4,
                            # ...): the session cannot tell, the previous
                            # table (ORT's documentation) decides
                            if res.get(asg) is None:
                                res[asg] = 'binding'
                            continue
                        if v is None or v[0] == 'error':
                            nxt.append(asg)
                            continue
                        used.add(c)
                        v = ('no' if v[0] == 'nokernel' else
                             'cast' if v[1] else 'ok')
                        if res.get(asg) not in ('ok', 'cast') or v == 'ok':
                            res[asg] = v
                    todo = nxt if not union else list(assigns)
                for asg in todo:
                    res.setdefault(asg, None)
                for asg, v in res.items():
                    if v == 'binding':
                        res[asg] = 'ok' if documented(asg) else None
                        nbinding[0] += 1
                return res

            def documented(asg):
                # a function op without documented kernels (CastLike):
                # ORT runs its expansion, which cannot be probed here;
                # accepted, so that no model ORT runs is refused
                if op in functions and not oldrows:
                    return True
                for o in oldrows:
                    t = json.loads(o['type_constraints'])
                    if all(p not in t or a in t[p]
                           for p, a in zip(params, asg)):
                        return True
                return False
            if not params:
                r = probe([()])
                v = r[()]
                if v is None:
                    kept.append((op, since))
                    rows += [(op, since, end, json.loads(
                        o['type_constraints'])) for o in oldrows]
                elif v != 'no':
                    rows.append((op, since, end, {}))
                continue
            # one constraint at a time around each base
            asgs = []
            for b in bases:
                for p in params:
                    for t in tcs[p]:
                        d = dict(b)
                        d[p] = t
                        asgs.append(tuple(d[q] for q in params))
            asgs = list(dict.fromkeys(asgs))
            r = probe(asgs)
            probes += len(asgs)
            if all(v is None for v in r.values()):
                kept.append((op, since))
                rows += [(op, since, end, json.loads(o['type_constraints']))
                         for o in oldrows]
                continue
            acc = {a for a, v in r.items() if v == 'ok'}
            cast = {a for a, v in r.items() if v == 'cast'}
            if len(params) > 1:
                sets = [sorted({a[i] for a in acc | cast})
                        for i in range(len(params))]
                full = [tcs[p] for p in params]
                if 0 < len(list(itertools.product(*full))) <= PRODUCT:
                    # small enough: every combination (OneHot's
                    # registrations are not reachable one at a time)
                    sets = full
                    # only the probe models that loaded in round one
                    cands[:] = [c for c in cands if c in used] or cands
                prod = list(itertools.product(*sets))
                if 0 < len(prod) <= PRODUCT:
                    r2 = probe(prod)
                    probes += len(prod)
                    acc |= {a for a, v in r2.items() if v == 'ok'}
                    cast |= {a for a, v in r2.items() if v == 'cast'}
            if not acc:
                continue
            for rect in rectangles(sorted(acc), params):
                rows.append((op, since, end,
                             {p: set(rect[i]) for i, p in
                              enumerate(params)}))
    # merge consecutive schema versions with identical rows
    merged = []
    for op, since, end, tcs in rows:
        merged.append([op, since, end, tc_json(tcs)])
    with open(out, 'w') as f:
        f.write('domain\top_type\tsince_version\tend_version\t'
                'type_constraints\n')
        for op, since, end, j in sorted(merged,
                                        key=lambda r: (r[0], r[1], r[3])):
            f.write('ai.onnx\t%s\t%d\t%d\t%s\n' % (op, since, end, j))
        for r in old:
            if r['domain'] != 'ai.onnx' or r['op_type'] not in byop:
                f.write('\t'.join(r[k] for k in (
                    'domain', 'op_type', 'since_version', 'end_version',
                    'type_constraints')) + '\n')
    print('gen-ort-cpu: %d probes, %d sessions, %d judged by the previous '
          'table (types the Node.js binding cannot load); kept from the '
          'previous table (no probe model loads): %s' % (
              probes, prober.n, nbinding[0],
              ' '.join('%s-%d' % k for k in kept)), file=sys.stderr)


if __name__ == '__main__':
    main()
