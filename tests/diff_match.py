# SPDX-License-Identifier: MIT
"""
Match the notes of `onnxfix fix` with the entries of `onnxfix diff` of
the model against fix's output, one to one (tests/diff.sh).

usage: diff_match.py MODEL NOTES DIFF.json DIFF-EXIT-STATUS src/diag/diag.def

Every rewrite note (F3xx notes but the F317 summary and the F347/F351
"left unchanged" notes) must be one diff entry of the same code, graph
and subject (the node the note is located at, else the first name its
detail quotes), and every diff entry one note, but for the audit entry
fix records in metadata_props.  F341/F342 and F370/F371 are one kind
each.  The Transpose count also changes as the F317 notes say.  Graph
paths are compared by their stable key (a named node without its index,
as baselines match them): fix runs its passes in rounds, and a note of a
later round counts the nodes of an enclosing graph after the earlier
rounds.  Prints what does not match and exits 1 then.
"""
import collections, json, re, sys
path, notes, dj, rc, ddef = sys.argv[1:6]
text = dict(re.findall(r'DIAG\(\w+,\s*"(\w+)",\s*\w+,\s*"([^"]*)"\)',
                       open(ddef).read()))
d = json.load(open(dj))
assert d["format"] == "onnxfix-diff" and d["version"] == 2
assert (int(rc) == 1) == (not d["same"]), ("exit status", rc)
same = {"F342": "F341", "F371": "F370"}
skip = {"F317", "F347", "F351"}
def stable(graph):
    """A graph path without the index of its named nodes."""
    return re.sub(r"node \d+ '", "node '", graph)


nodeloc = re.compile(r"^(?:(.*)/)?node \d+(?: '(.*)')? \(([^()]*)\)$")
want = collections.Counter()
prefix = "onnxfix: " + path + ": "
tp_delta = 0
for line in open(notes).read().splitlines():
    m = re.match(re.escape(prefix) + r"(.*?): ?note (F\d+): (.*)$", line) \
        or re.match(re.escape(prefix) + r"()note (F\d+): (.*)$", line)
    if not m:
        continue
    loc, code, rest = m.groups()
    if code == "F317":
        b, a = re.search(r"(\d+) before, (\d+) after", rest).groups()
        tp_delta += int(b) - int(a)
    if code in skip:
        continue
    detail = rest[len(text[code]) + 2:] if rest.startswith(text[code] + ": ") else ""
    n = nodeloc.match(loc)
    if n:
        graph = n.group(1) or "graph"
        subject = n.group(2)
    else:
        graph = loc or "model"
        subject = None
    if subject is None:
        q = re.search(r"'((?:[^'\\]|\\.)*)'", detail)
        subject = q.group(1) if q and code not in ("F300",) else ""
        # A node without a name is named by its first output.
        if subject.startswith("-> "):
            subject = subject[3:]
    want[(same.get(code, code), stable(graph), subject)] += 1
got = collections.Counter()
audit = 0
for e in d["entries"]:
    if e["kind"] == "metadata" and e.get("name") == "onnxfix.fix":
        audit += 1
        continue
    code = e.get("code")
    got[(same.get(code, code), stable(e["graph"]), e.get("subject"))] += 1
errs = []
for k in sorted((want - got).elements(), key=str):
    errs.append("note without a diff entry: %s %s '%s'" % (k[0], k[1], k[2]))
for k in sorted((got - want).elements(), key=str):
    errs.append("diff entry without a note: %s %s '%s'" % (k[0], k[1], k[2]))
if audit != (1 if not d["same"] else 0):
    errs.append("audit entries: %d" % audit)
if d["summary"]["interface"] != 0:
    errs.append("interface changed")
s = d["summary"]
tr = s["transposes_removed"] - s["transposes_added"]
# Transposes other passes remove: folded (F391) or dead (F301).
extra = sum(1 for e in d["entries"] if e.get("code") in ("F301", "F391")
            for c in e["changes"] if c["kind"] == "node-removed"
            and c.get("op") == "Transpose")
if tp_delta and tr - extra != tp_delta:
    errs.append("Transposes: diff %d, F317 %d" % (tr - extra, tp_delta))
if sum(want.values()) != s["rewrites"]:
    errs.append("rewrites: %d notes, summary %d" % (sum(want.values()),
                                                     s["rewrites"]))
print("\n".join(errs))
sys.exit(1 if errs else 0)
