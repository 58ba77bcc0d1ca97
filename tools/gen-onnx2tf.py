#!/usr/bin/python3
# SPDX-License-Identifier: MIT
#
# gen-onnx2tf.py: regenerate src/opdb/runtime-onnx2tf.tsv from onnx2tf's
# README.md.
#
#   /usr/bin/python3 tools/gen-onnx2tf.py README_MD [--check] [--out FILE]
#
# README_MD: PINTO0309/onnx2tf README.md at the commit named in
# src/opdb/sources.json (2c0cb019b77bb7464828123eb3b708e05b4737a7), e.g.
#   git --git-dir=REPO show 2c0cb01:README.md > README.md
# --out: the table to write (default src/opdb/runtime-onnx2tf.tsv under
# the repository that holds this script).  --check: write nothing;
# compare the generated table with that file, print the differing lines
# (a unified diff) and exit 1 when they differ, 0 when they are equal.
#
# Three tables of the README are read:
#   - "`tf_converter` supported layers": |OP|Status|, the status
#     :heavy_check_mark: (Supported) or :white_check_mark: (Partial
#     support), the legend sources.json keeps as onnx2tf_legend;
#   - "Builtin supported (ONNX -> TFLite) in flatbuffer_direct":
#     |ONNX OP|TFLite OP|Key constraints (flatbuffer_direct)|;
#   - "Custom-op candidates in flatbuffer_direct (opt-in)":
#     |ONNX OP|Default policy|When enabled|.
# One row per op named in any of them, sorted by the lower-cased name.
# Columns:
#   domain            looked up: ai.onnx when src/opdb/schemas.tsv has a
#                     schema of that name, else the domain of
#                     src/opdb/schemas-ort-contrib.tsv, else empty
#                     (Input, ScaleAndTranslate)
#   op_type           the name
#   tf_converter      supported / partial, empty when not in that table
#   flatbuffer_direct builtin, custom_candidate, builtin+custom_candidate
#                     or empty
#   tflite_ops        the builtin table's TFLite OP cell
#   constraints       the builtin table's constraints cell ("-" kept)
#   custom_op_policy  the custom-candidate table's Default policy cell
# The "When enabled" cells are not kept.  Cells are copied verbatim,
# trimmed.

import os
import re
import sys

from mdtable import is_separator, split_row
import mdtable

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TABLE = os.path.join(ROOT, 'src/opdb/runtime-onnx2tf.tsv')
SCHEMAS = [os.path.join(ROOT, 'src/opdb/schemas.tsv'),
           os.path.join(ROOT, 'src/opdb/schemas-ort-contrib.tsv')]
COLUMNS = ['domain', 'op_type', 'tf_converter', 'flatbuffer_direct',
           'tflite_ops', 'constraints', 'custom_op_policy']
STATUS = {':heavy_check_mark:': 'supported',
          ':white_check_mark:': 'partial'}
# (where the table starts, its expected header)
TF_TABLE = ('## `tf_converter` supported layers', ['OP', 'Status'])
BUILTIN_TABLE = ('<summary>Builtin supported (ONNX -> TFLite) in '
                 'flatbuffer_direct</summary>',
                 ['ONNX OP', 'TFLite OP',
                  'Key constraints (flatbuffer_direct)'])
CUSTOM_TABLE = ('<summary>Custom-op candidates in flatbuffer_direct '
                '(opt-in)</summary>',
                ['ONNX OP', 'Default policy', 'When enabled'])
USAGE = 'usage: gen-onnx2tf.py README_MD [--check] [--out FILE]'






def table(lines, where):
    """Return the body rows (cell lists) of the table WHERE names.

    WHERE is (marker, header): the first table after the first line
    that contains marker, whose header must be header.  The table ends
    at the first line (indented or not) that does not start with a pipe.
    """
    marker, header = where
    i = next((k for k, l in enumerate(lines) if marker in l), None)
    if i is None:
        sys.exit('gen-onnx2tf: no "%s" in the README' % marker)
    while i < len(lines) and not lines[i].lstrip().startswith('|'):
        i += 1
    if i == len(lines) or split_row(lines[i]) != header:
        sys.exit('gen-onnx2tf: the table after "%s" has an unexpected '
                 'header' % marker)
    rows = []
    i += 1
    while i < len(lines) and lines[i].lstrip().startswith('|'):
        cells = split_row(lines[i])
        i += 1
        if is_separator(cells):
            continue
        if len(cells) != len(header):
            sys.exit('gen-onnx2tf: %d cells, expected %d: %s'
                     % (len(cells), len(header), lines[i - 1]))
        rows.append(cells)
    return rows


def by_op(rows, what):
    """Map each row's first cell (the op name) to the row."""
    d = {}
    for r in rows:
        if r[0] in d:
            sys.exit('gen-onnx2tf: %s listed twice in the %s table'
                     % (r[0], what))
        d[r[0]] = r
    return d


def domains():
    """op_type -> domain, schemas.tsv first, then the contrib schemas."""
    d = {}
    for path in SCHEMAS:
        with open(path, encoding='utf-8') as f:
            head = f.readline().rstrip('\n').split('\t')
            di, oi = head.index('domain'), head.index('op_type')
            for line in f:
                cells = line.rstrip('\n').split('\t')
                d.setdefault(cells[oi], cells[di])
    return d


def build(text):
    """The TSV text (header included) for the README TEXT."""
    lines = text.split('\n')
    tf = by_op(table(lines, TF_TABLE), 'tf_converter')
    builtin = by_op(table(lines, BUILTIN_TABLE), 'builtin')
    custom = by_op(table(lines, CUSTOM_TABLE), 'custom-op candidate')
    dom = domains()
    out = ['\t'.join(COLUMNS)]
    for op in sorted(set(tf) | set(builtin) | set(custom),
                     key=lambda s: (s.lower(), s)):
        status = ''
        if op in tf:
            status = STATUS.get(tf[op][1])
            if status is None:
                sys.exit('gen-onnx2tf: %s: status %r' % (op, tf[op][1]))
        fb = '+'.join(k for k, t in (('builtin', builtin),
                                     ('custom_candidate', custom))
                      if op in t)
        b = builtin.get(op, ['', '', ''])
        row = [dom.get(op, ''), op, status, fb, b[1], b[2],
               custom.get(op, ['', ''])[1]]
        if any('\t' in c for c in row):
            sys.exit('gen-onnx2tf: %s: a cell holds a tab' % op)
        out.append('\t'.join(row))
    return '\n'.join(out) + '\n'






if __name__ == '__main__':
    sys.exit(mdtable.main(build, TABLE, USAGE))
