# SPDX-License-Identifier: MIT
"""What the runtime-table generators of tools/ share (gen-tensorrt.py,
gen-onnx2tf.py, gen-ort-kernels.py): their command line, reading the markdown tables of an upstream document,
and writing a TSV or, with --check, printing how it would change."""
import difflib
import re
import sys


def split_row(line):
    """Split one markdown table line into its stripped cells.

    The outer pipes are optional (some documents end lines without
    one); cells hold no escaped pipes.
    """
    s = line.strip()
    if s.startswith('|'):
        s = s[1:]
    if s.endswith('|'):
        s = s[:-1]
    return [c.strip() for c in s.split('|')]


def is_separator(cells):
    """True for the |---|:-:| line under a table header."""
    return all(re.fullmatch(r':?-+:?', c) for c in cells)


def check(new, path):
    """Print a unified diff of PATH against NEW; 1 if they differ."""
    try:
        with open(path, encoding='utf-8', newline='') as f:
            old = f.read()
    except FileNotFoundError:
        old = ''
    if old == new:
        return 0
    sys.stdout.writelines(difflib.unified_diff(
        old.splitlines(True), new.splitlines(True), path, 'generated'))
    return 1


def parse_args(out, usage):
    """The generators' command line, DOC [--check] [--out PATH]: (DOC,
    PATH or OUT, checking).  Anything else exits with USAGE."""
    doc, checking = None, False
    a = sys.argv[1:]
    while a:
        if a[0] == '--check':
            checking = True
            a = a[1:]
        elif a[0] == '--out' and len(a) > 1:
            out = a[1]
            a = a[2:]
        elif doc is None and not a[0].startswith('-'):
            doc = a[0]
            a = a[1:]
        else:
            sys.exit(usage)
    if doc is None:
        sys.exit(usage)
    return doc, out, checking


def main(build, table, usage):
    """DOC [--check] [--out FILE]: BUILD(text of DOC) written to TABLE
    (or FILE), or with --check compared with it (exit 1 when they
    differ)."""
    doc, out, checking = parse_args(table, usage)
    with open(doc, encoding='utf-8') as f:
        new = build(f.read())
    if checking:
        return check(new, out)
    with open(out, 'w', encoding='utf-8', newline='\n') as f:
        f.write(new)
    return 0
