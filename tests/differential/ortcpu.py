#!/usr/bin/python3
# SPDX-License-Identifier: MIT
#
# ortcpu.py: precision and recall of `onnxfix check --target ort-cpu`
# against ONNX Runtime's CPU provider (session creation through
# tools/ort-probe.js, onnxruntime-node).
#
#   /usr/bin/python3 tests/differential/ortcpu.py ONNXFIX [--every N]
#       [--floors FILE] [--keep DIR]
#
# Two classes of models:
#   real   every libonnx-testdata model
#          (/usr/share/libonnx-testdata/data/*/*/model.onnx)
#   sweep  its one-node models, retyped: for each type constraint of the
#          node's schema that binds a graph input, every other type the
#          schema allows, given to every value the constraint binds
#          (attributes naming the output type follow)
# With --every N only every Nth model of each class (make check).
#
# ORT's verdict: "nokernel" (Could not find an implementation /
# NOT_IMPLEMENTED; also float16 below opset 6, where the Cast ORT inserts
# to run it as float is invalid, and RNN/GRU/LSTM with layout=1, which
# their kernels refuse) is a model the target cannot run; a created session is
# one it runs; any other load error is an invalid model, left out (plain
# `check` judges those).  onnxfix flags a model when its report holds C410,
# C411 or C412 (the target cannot run a node).  Prints per class the
# models judged, ORT's rejections, onnxfix's flags, recall (flagged among
# rejected) and precision (rejected among flagged), then every miss and
# false alarm by operator.  --floors FILE ("class recall precision" lines):
# exits 1 when a class falls below.
import json
import os
import re
import subprocess
import sys
import tempfile

import onnx

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, 'tools'))
import importlib.util  # noqa: E402
_spec = importlib.util.spec_from_file_location(
    'gen_ort_cpu', os.path.join(ROOT, 'tools', 'gen-ort-cpu.py'))
G = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(G)

DATA = '/usr/share/libonnx-testdata/data'
FLAG = ('C410', 'C411', 'C412')


def schemas():
    r = {}
    for s in G.read_tsv(G.SCHEMAS):
        if s['domain'] != 'ai.onnx':
            continue
        for k in ('inputs', 'outputs', 'type_constraints'):
            s[k] = json.loads(s[k] or ('[]' if k != 'type_constraints'
                                       else '{}'))
        r.setdefault(s['op_type'], []).append(s)
    return r


def schema_at(sch, op, opset):
    best = None
    for s in sch.get(op, []):
        if int(s['since_version']) <= opset and (
                best is None or int(s['since_version']) >
                int(best['since_version'])):
            best = s
    return best


def sweep(paths, sch, outdir):
    """Retyped variants of the one-node models in PATHS."""
    out = []
    for p in paths:
        if '/node/' not in p:
            continue
        m = onnx.load(p)
        if len(m.graph.node) != 1:
            continue
        n = m.graph.node[0]
        if n.domain not in ('', 'ai.onnx'):
            continue
        opset = max([o.version for o in m.opset_import
                     if o.domain in ('', 'ai.onnx')] or [0])
        s = schema_at(sch, n.op_type, opset)
        if s is None:
            continue
        inits = {t.name for t in m.graph.initializer}
        gin = {v.name: v for v in m.graph.input}
        gout = {v.name: v for v in m.graph.output}
        bound = {}
        for io, names, vals in ((s['inputs'], n.input, gin),
                                (s['outputs'], n.output, gout)):
            for i, name in enumerate(names):
                prm = G.slot_param(io, i)
                if prm is None or name == '':
                    continue
                if name in inits or name not in vals:
                    bound.setdefault(prm, []).append(None)
                else:
                    bound.setdefault(prm, []).append(vals[name])
        for prm, vals in sorted(bound.items()):
            if None in vals or not any(v.name in gin for v in vals):
                continue
            cur = G.type_str(vals[0].type)
            for t in s['type_constraints'].get(prm, []):
                if t == cur:
                    continue
                tp = G.type_proto(t)
                if tp is None:
                    continue
                m2 = onnx.ModelProto()
                m2.CopyFrom(m)
                names = {v.name for v in vals}
                for v in list(m2.graph.input) + list(m2.graph.output):
                    if v.name in names:
                        v.type.CopyFrom(tp)
                outs = [t if G.slot_param(s['outputs'], i) == prm else
                        None for i in range(len(n.output))]
                if outs and outs[0] is not None:
                    G.set_dtype_attrs(m2.graph.node[0], n.op_type,
                                      opset, outs)
                # a value_info of a retyped value would contradict it
                del m2.graph.value_info[:]
                f = os.path.join(outdir, '%s.%s.%s.onnx' % (
                    p.split('/')[-2], prm, t.replace('(', '_')
                    .replace(')', '')))
                onnx.save(m2, f)
                out.append(f)
    return out


def ort_verdicts(files):
    r = subprocess.run(['node', os.path.join(ROOT, 'tools',
                                             'ort-probe.js')],
                       input='\n'.join(files) + '\n', text=True,
                       capture_output=True, check=True)
    v = {}
    for line in r.stdout.splitlines():
        a = line.split(' ', 2)
        k, msg = a[0], a[2] if len(a) > 2 else ''
        # ORT cannot run these either, for want of a kernel: the Cast it
        # inserts to run float16 as float is invalid below opset 6 (a
        # string 'to').  (Complex tensors, for which ORT registers no
        # type, stay "invalid": a load error, listed below.)
        # The CPU kernels of RNN, GRU and LSTM refuse layout=1 when the
        # session is created.
        if k == 'error' and ('InsertedPrecisionFreeCast' in msg or
                             'Batchwise recurrent operations' in msg):
            k = 'nokernel'
        v[a[1]] = (k, msg)
    return v


def fix_verdicts(onnxfix, files):
    v = {}
    for i in range(0, len(files), 400):
        b = files[i:i + 400]
        p = subprocess.run([onnxfix, 'check', '--target', 'ort-cpu',
                            '--format', 'json', '--no-progress', '-j', '2',
                            '--'] + b, capture_output=True, text=True,
                           timeout=900)
        rep = json.loads(p.stdout)
        for mr in rep['models']:
            codes = [x for x in mr['findings'] if x['code'] in FLAG]
            v[mr['file']] = (bool(codes), ' '.join(
                '%s %s' % (x['code'], x.get('message', '')[:120])
                for x in codes[:1]))
    return v


def main():
    a = sys.argv[1:]
    if not a:
        sys.exit('usage: ortcpu.py ONNXFIX [--every N] [--floors FILE] '
                 '[--keep DIR]')
    onnxfix, every, floors, keep = a[0], 1, None, None
    a = a[1:]
    while a:
        if a[0] == '--every':
            every = int(a[1])
        elif a[0] == '--floors':
            floors = a[1]
        elif a[0] == '--keep':
            keep = a[1]
        else:
            sys.exit('ortcpu.py: unknown option ' + a[0])
        a = a[2:]
    tmp = keep or tempfile.mkdtemp(prefix='ortcpu.')
    os.makedirs(tmp, exist_ok=True)
    real = sorted(os.path.join(DATA, d, m, 'model.onnx')
                  for d in os.listdir(DATA)
                  for m in os.listdir(os.path.join(DATA, d))
                  if os.path.exists(os.path.join(DATA, d, m, 'model.onnx')))
    sw = sweep(real, schemas(), tmp)
    classes = [('real', real[::every]), ('sweep', sw[::every])]
    allf = [f for _, fs in classes for f in fs]
    ov = ort_verdicts(allf)
    fv = fix_verdicts(onnxfix, allf)
    print('%-6s %7s %8s %7s %7s %8s %10s' % (
        'class', 'models', 'invalid', 'nokern', 'flagged', 'recall',
        'precision'))
    res = {}
    details = []
    for cls, fs in classes:
        judged = [f for f in fs if f in ov and ov[f][0] != 'error' and
                  f in fv]
        pos = [f for f in judged if ov[f][0] == 'nokernel']
        flg = [f for f in judged if fv[f][0]]
        tp = [f for f in pos if fv[f][0]]
        rec = len(tp) / len(pos) if pos else 1.0
        pre = len(tp) / len(flg) if flg else 1.0
        res[cls] = (rec, pre)
        print('%-6s %7d %8d %7d %7d %8s %10s' % (
            cls, len(fs), len(fs) - len(judged), len(pos), len(flg),
            '%d/%d' % (len(tp), len(pos)), '%d/%d' % (len(tp), len(flg))))
        for f in pos:
            if not fv[f][0]:
                details.append((cls, 'miss', f, ov[f][1]))
        for f in flg:
            if ov[f][0] != 'nokernel':
                details.append((cls, 'false-alarm', f, fv[f][1]))
    # why ORT refused the models left out, by message (digits folded):
    # the ones the Node.js binding itself cannot load ("Unsupported data
    # type") and invalid models
    why = {}
    for cls, fs in classes:
        for f in fs:
            if f in ov and ov[f][0] == 'error':
                k = re.sub(r'[0-9]+', 'N', ov[f][1])[:70]
                why[(cls, k)] = why.get((cls, k), 0) + 1
    for (cls, k), c in sorted(why.items(), key=lambda x: -x[1])[:12]:
        print('%s invalid x%d: %s' % (cls, c, k))
    for cls, kind, f, why in details:
        print('%s %s %s: %s' % (cls, kind, f.replace(tmp + '/', '')
                                .replace(DATA + '/', ''), why[:160]))
    rc = 0
    if floors:
        for line in open(floors):
            w = line.split('#')[0].split()
            if len(w) != 3:
                continue
            rec, pre = res.get(w[0], (0, 0))
            if rec < float(w[1]) or pre < float(w[2]):
                print('FAIL: %s recall %.4f precision %.4f below %s %s'
                      % (w[0], rec, pre, w[1], w[2]))
                rc = 1
    if not keep:
        for f in sw:
            os.unlink(f)
        os.rmdir(tmp)
    sys.exit(rc)


if __name__ == '__main__':
    main()
