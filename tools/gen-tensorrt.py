#!/usr/bin/python3
# SPDX-License-Identifier: MIT
#
# gen-tensorrt.py: regenerate src/opdb/runtime-tensorrt.tsv from
# onnx-tensorrt's operator support document (docs/operators.md).
#
#   /usr/bin/python3 tools/gen-tensorrt.py OPERATORS_MD [--check]
#       [--out FILE]
#
# OPERATORS_MD: onnx/onnx-tensorrt docs/operators.md at the commit named
# in src/opdb/sources.json (96e781103cfc4adf4a6bb557e94bac8e693f6f4c,
# branch 10.1-GA), e.g.
#   git --git-dir=REPO show 96e7811:docs/operators.md > operators.md
# --out: the table to write (default src/opdb/runtime-tensorrt.tsv under
# the repository that holds this script).  --check: write nothing;
# compare the generated table with that file, print the differing lines
# (a unified diff) and exit 1 when they differ, 0 when they are equal.
#
# The table is the document's "Operator Support Matrix", one row per
# table line, in the document's order (which is not quite alphabetical:
# Col2Im comes before Celu).  Columns:
#   domain        always ai.onnx (the document lists default-domain ops)
#   op_type       the Operator cell
#   supported     the Supported cell (Y or N)
#   experimental  always 0: the document marks no operator experimental
#   types         the Supported Types cell: the names split at commas,
#                 blanks and empty items dropped, joined by "," (the
#                 source's typo INF64 is kept)
#   restrictions  the Restrictions cell, trimmed; the line breaks the
#                 document writes as "<br />" become one space
# A table line may lack its closing "|" or carry trailing empty cells;
# both are accepted.

import os
import re
import sys

from mdtable import is_separator, split_row
import mdtable

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TABLE = os.path.join(ROOT, 'src/opdb/runtime-tensorrt.tsv')
HEADING = '## Operator Support Matrix'
COLUMNS = ['domain', 'op_type', 'supported', 'experimental', 'types',
           'restrictions']
USAGE = 'usage: gen-tensorrt.py OPERATORS_MD [--check] [--out FILE]'






def matrix_rows(text):
    """Return the cell lists of the support matrix, header excluded.

    The matrix is the first table after HEADING; it ends at the first
    line that does not start with a pipe.
    """
    lines = text.split('\n')
    try:
        i = lines.index(HEADING)
    except ValueError:
        sys.exit('gen-tensorrt: no "%s" in the document' % HEADING)
    while i < len(lines) and not lines[i].lstrip().startswith('|'):
        i += 1
    rows = []
    header = True
    while i < len(lines) and lines[i].lstrip().startswith('|'):
        cells = split_row(lines[i])
        i += 1
        if header:
            if cells[:3] != ['Operator', 'Supported', 'Supported Types']:
                sys.exit('gen-tensorrt: unexpected header %r' % cells)
            header = False
        elif not is_separator(cells):
            rows.append(cells)
    return rows


def types_cell(cell):
    """'FP32, FP16, BF16, ' -> 'FP32,FP16,BF16'."""
    return ','.join(t.strip() for t in cell.split(',') if t.strip())


def restrictions_cell(cell):
    """The restriction text on one line: <br /> breaks become a space."""
    parts = re.split(r'\s*<br\s*/?>\s*', cell.strip())
    return ' '.join(p for p in parts if p)


def build(text):
    """The TSV text (header included) for the document TEXT."""
    out = ['\t'.join(COLUMNS)]
    seen = set()
    for cells in matrix_rows(text):
        cells += [''] * (4 - len(cells))
        op, sup = cells[0], cells[1]
        if sup not in ('Y', 'N'):
            sys.exit('gen-tensorrt: %s: Supported is %r' % (op, sup))
        if op in seen:
            sys.exit('gen-tensorrt: %s listed twice' % op)
        seen.add(op)
        row = ['ai.onnx', op, sup, '0', types_cell(cells[2]),
               restrictions_cell(cells[3])]
        if any('\t' in c for c in row):
            sys.exit('gen-tensorrt: %s: a cell holds a tab' % op)
        out.append('\t'.join(row))
    return '\n'.join(out) + '\n'






if __name__ == '__main__':
    sys.exit(mdtable.main(build, TABLE, USAGE))
