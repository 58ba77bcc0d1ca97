#!/usr/bin/python3
# SPDX-License-Identifier: MIT
#
# gen-ort-kernels.py: write the ONNX Runtime kernel tables of src/opdb/
# from ONNX Runtime's docs/OperatorKernels.md (the list of registered
# kernels, generated upstream by tools/python/gen_opkernel_doc.py).
#
#   python3 tools/gen-ort-kernels.py OperatorKernels.md [--check]
#       [--out DIR]
#
# Run from anywhere; paths default to this repository's src/opdb/.
#
#   runtime-ort-cuda.tsv   every row of the CUDAExecutionProvider section
#   runtime-ort-dml.tsv    every row of the DmlExecutionProvider section
#   runtime-ort-cpu.tsv    the CPUExecutionProvider rows whose domain is
#                          not ai.onnx (ai.onnx.ml, com.microsoft, ...);
#                          its ai.onnx rows are measured by
#                          tools/gen-ort-cpu.py and are copied unchanged,
#                          in their order, from src/opdb/runtime-ort-cpu.tsv
#
# --check: write nothing; print a unified diff of each table that would
# change and exit 1 when any does (0 when all are identical).
# --out DIR: write (or, with --check, compare) the tables in DIR instead
# of src/opdb/.  The kept ai.onnx CPU rows still come from src/opdb/.
#
# The committed tables were made from microsoft/onnxruntime commit
# 735e69a396afe7e1bdfbc6b38c1d43eeb68b8484 (read via the fork
# tianleiwu/onnxruntime; src/opdb/README.md, "Sources"):
#
#   git --git-dir=GITDIR show \
#       735e69a396afe7e1bdfbc6b38c1d43eeb68b8484:docs/OperatorKernels.md \
#       > /tmp/OperatorKernels.md
#   python3 tools/gen-ort-kernels.py /tmp/OperatorKernels.md --check
#
# The document is read as facts only.  Each provider section
# ("## Operators implemented by XExecutionProvider") holds one markdown
# table; "|**Operator Domain:** *D*||||" rows start a domain, a row with
# an op name starts an operator and rows with an empty name cell add more
# versions of it.  Per row:
#
#   OpSet Version   "N+" -> N..2147483647, "N" -> N..N, "[A, B]" -> A..B
#   Types Supported "**T** = t1, t2<br/> **U** = ..." -> compact JSON,
#                   parameters and their types sorted, e.g.
#                   {"T":["tensor(double)","tensor(float)"]}; an empty
#                   cell is {}.  Commas inside a type (map(int64,...))
#                   do not split it.
#
# Rows are sorted by domain, then op_type case-insensitively (Scaler
# before SVMClassifier), then op_type, since_version and end_version.

import json
import os
import re
import sys

import mdtable

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OPDB = os.path.join(ROOT, 'src', 'opdb')
UNBOUNDED = 2147483647
HEADER = 'domain\top_type\tsince_version\tend_version\ttype_constraints\n'

# provider name in the document -> table file
TABLES = {
    'CPU': 'runtime-ort-cpu.tsv',
    'CUDA': 'runtime-ort-cuda.tsv',
    'Dml': 'runtime-ort-dml.tsv',
}
CPU_TABLE = TABLES['CPU']
MEASURED_DOMAIN = 'ai.onnx'

SECTION = re.compile(
    r'^## Operators implemented by (\w+)ExecutionProvider\s*$')
DOMAIN = re.compile(r'^\|\*\*Operator Domain:\*\* \*([^*]+)\*\|+\s*$')
PARAM = re.compile(r'^\*\*(\w+)\*\* = (.*)$')

USAGE = 'usage: gen-ort-kernels.py OperatorKernels.md [--check] [--out DIR]'


class DocError(Exception):
    """A line of the document that does not have the expected form."""


def parse_version(cell):
    """(since, end) of an OpSet Version cell: "N+", "N" or "[A, B]"."""
    cell = cell.strip()
    m = re.match(r'^(\d+)\+$', cell)
    if m:
        return int(m.group(1)), UNBOUNDED
    m = re.match(r'^(\d+)$', cell)
    if m:
        return int(m.group(1)), int(m.group(1))
    m = re.match(r'^\[(\d+),\s*(\d+)\]$', cell)
    if m:
        return int(m.group(1)), int(m.group(2))
    raise DocError('bad version %r' % cell)


def split_types(text):
    """The types of a comma-separated list; commas inside () do not split."""
    types, depth, cur = [], 0, ''
    for ch in text:
        if ch == ',' and depth == 0:
            types.append(cur.strip())
            cur = ''
            continue
        if ch == '(':
            depth += 1
        elif ch == ')':
            depth -= 1
            if depth < 0:
                raise DocError('unbalanced ) in %r' % text)
        cur += ch
    if depth != 0:
        raise DocError('unbalanced ( in %r' % text)
    types.append(cur.strip())
    if '' in types:
        raise DocError('empty type in %r' % text)
    return types


def parse_types(cell):
    """{param: [types]} of a Types Supported cell ("" gives {})."""
    constraints = {}
    cell = cell.strip()
    if not cell:
        return constraints
    for part in cell.split('<br/>'):
        m = PARAM.match(part.strip())
        if not m:
            raise DocError('bad type constraint %r' % part)
        param = m.group(1)
        if param in constraints:
            raise DocError('type parameter %s given twice' % param)
        constraints[param] = split_types(m.group(2))
    return constraints


def constraints_json(constraints):
    """Compact JSON of {param: [types]}, parameters and types sorted."""
    return json.dumps({p: sorted(set(ts))
                       for p, ts in sorted(constraints.items())},
                      separators=(',', ':'))


def table_cells(line):
    """The cells of a markdown table row "|a|b|c|d|"."""
    body = line.strip()
    if not (body.startswith('|') and body.endswith('|')):
        raise DocError('not a table row')
    return body[1:-1].split('|')


def is_decoration(cells):
    """True for a table's header row, its |---| rule and "| |" spacers."""
    if cells[0].strip() == 'Op Name':
        return True
    return all(set(c) <= set('-: ') for c in cells)


def parse_document(path):
    """{provider: [(domain, op_type, since, end, json)]} of the document.

    provider is the name before "ExecutionProvider" in a section title
    (CPU, CUDA, Dml).  Rows keep the document's order.
    """
    kernels = {}
    provider = domain = op = None
    with open(path, encoding='utf-8') as f:
        lines = f.read().split('\n')
    for n, line in enumerate(lines, 1):
        try:
            m = SECTION.match(line)
            if m:
                provider, domain, op = m.group(1), None, None
                kernels.setdefault(provider, [])
                continue
            if provider is None or not line.startswith('|'):
                continue
            m = DOMAIN.match(line)
            if m:
                domain, op = m.group(1), None
                continue
            cells = table_cells(line)
            if is_decoration(cells):
                continue
            if len(cells) != 4:
                raise DocError('%d cells, 4 expected' % len(cells))
            if domain is None:
                raise DocError('kernel row before any Operator Domain')
            if cells[0].strip():
                op = cells[0].strip()
            elif op is None:
                raise DocError('continuation row without an operator')
            since, end = parse_version(cells[2])
            if since > end:
                raise DocError('version range %d > %d' % (since, end))
            tcs = constraints_json(parse_types(cells[3]))
            kernels[provider].append((domain, op, since, end, tcs))
        except DocError as e:
            raise DocError('%s:%d: %s' % (path, n, e)) from None
    return kernels


def row_key(row):
    """Sort key of a kernel row (see the header comment)."""
    domain, op, since, end, _ = row
    return domain, op.lower(), op, since, end


def render(rows):
    """TSV text of kernel rows, header included, rows sorted."""
    return HEADER + ''.join('%s\t%s\t%d\t%d\t%s\n' % r
                            for r in sorted(rows, key=row_key))


def measured_cpu_rows(path):
    """The ai.onnx data lines of the committed CPU table, in order."""
    with open(path, encoding='utf-8', newline='') as f:
        lines = f.read().split('\n')
    if not lines or lines[0] + '\n' != HEADER:
        sys.exit('gen-ort-kernels: %s: unexpected header' % path)
    return [l + '\n' for l in lines[1:]
            if l.split('\t', 1)[0] == MEASURED_DOMAIN]


def cpu_text(rows, measured):
    """CPU table text: measured ai.onnx lines first, then the document's
    rows of the other domains (sorted)."""
    other = [r for r in rows if r[0] != MEASURED_DOMAIN]
    return HEADER + ''.join(measured) + render(other)[len(HEADER):]


def tables(kernels):
    """{file name: text} of the tables to write."""
    out = {}
    for provider, name in sorted(TABLES.items(), key=lambda t: t[1]):
        if provider not in kernels:
            sys.exit('gen-ort-kernels: no %sExecutionProvider section'
                     % provider)
        if name == CPU_TABLE:
            out[name] = cpu_text(kernels[provider], measured_cpu_rows(
                os.path.join(OPDB, CPU_TABLE)))
        else:
            out[name] = render(kernels[provider])
    return out


def summary(name, text):
    """One line of row and op counts per domain of a table."""
    counts = {}
    for line in text.split('\n')[1:]:
        if line:
            domain, op = line.split('\t')[:2]
            count = counts.setdefault(domain, [0, set()])
            count[0] += 1
            count[1].add(op)
    return '%s: %s' % (name, ', '.join(
        '%s %d rows %d ops' % (d, c[0], len(c[1]))
        for d, c in sorted(counts.items())))


def main():
    doc, outdir, check = mdtable.parse_args(OPDB, USAGE)
    try:
        kernels = parse_document(doc)
    except (DocError, OSError) as e:
        sys.exit('gen-ort-kernels: %s' % e)
    for provider in sorted(set(kernels) - set(TABLES)):
        print('gen-ort-kernels: %sExecutionProvider skipped (no table)'
              % provider, file=sys.stderr)
    differ = False
    for name, text in tables(kernels).items():
        path = os.path.join(outdir, name)
        if check:
            if mdtable.check(text, path):
                differ = True
            else:
                print('gen-ort-kernels: %s identical' % path,
                      file=sys.stderr)
        else:
            with open(path, 'w', encoding='utf-8', newline='') as f:
                f.write(text)
            print('gen-ort-kernels: wrote ' + summary(path, text),
                  file=sys.stderr)
    sys.exit(1 if differ else 0)


if __name__ == '__main__':
    main()
