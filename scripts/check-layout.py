#!/usr/bin/env python3
"""mixscope's layout limits (issue 15), run by ctest as `layout_limits`:

  - no C file in app/ or core/ over 1,200 lines;
  - no function over 120 lines (from its first line at column 0 to its
    closing brace at column 0);
  - app/ui/ includes nothing from app/views, app/shell or app/cli;
  - no include cycle between the app folders (ui, views, shell, cli).

Exceptions live in scripts/layout-allow.txt, one per line:
    file  <path>                 a file allowed over 1,200 lines
    func  <path> <function>      a function allowed over 120 lines
They are only for code owned by another open piece of work (named in a
comment beside each); that work empties the list. An entry that no longer
exceeds its limit is reported, so the list cannot go stale.

usage: check-layout.py [SOURCE_DIR]        exit 0 ok, 1 a limit is broken
"""
import os
import re
import sys

MAX_FILE = 1200
MAX_FUNC = 120
FOLDERS = ("ui", "views", "shell", "cli")

root = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else
                       os.path.join(os.path.dirname(__file__), ".."))


def c_files():
    for top in ("app", "core"):
        for d, _, names in os.walk(os.path.join(root, top)):
            for n in sorted(names):
                if n.endswith((".c", ".h")):
                    yield os.path.relpath(os.path.join(d, n), root)


NOT_FUNC = re.compile(r"^(typedef|struct\s+\w+\s*\{|enum|union|#)")


def functions(lines):
    """(name, first line, length) of each function definition: a declarator
    starting at column 0 whose '{' ends a line, up to the '}' at column 0."""
    i, n = 0, len(lines)
    while i < n:
        ln = lines[i]
        if ln[:1].isalpha() or ln[:1] == "_":
            if NOT_FUNC.match(ln):
                i += 1
                continue
            j, head = i, ln
            while not head.rstrip().endswith(("{", ";", "}")) and j + 1 < n and j - i < 8:
                j += 1
                head += " " + lines[j].strip()
            h = head.rstrip()
            if h.endswith("{") and "(" in h and "=" not in h.split("(")[0]:
                m = re.search(r"(\w+)\s*\(", h)
                k = j + 1
                while k < n and not lines[k].startswith("}"):
                    k += 1
                yield (m.group(1) if m else "?", i + 1, k - i + 1)
                i = k + 1
                continue
            i = j + 1
            continue
        i += 1


def folder_of(path):
    parts = path.split(os.sep)
    return parts[1] if len(parts) > 2 and parts[0] == "app" and parts[1] in FOLDERS else None


def main():
    allow_files, allow_funcs = set(), set()
    allow_path = os.path.join(root, "scripts", "layout-allow.txt")
    if os.path.exists(allow_path):
        for raw in open(allow_path, encoding="utf-8"):
            w = raw.split("#", 1)[0].split()
            if len(w) == 2 and w[0] == "file":
                allow_files.add(w[1])
            elif len(w) == 3 and w[0] == "func":
                allow_funcs.add((w[1], w[2]))
            elif w:
                print("layout-allow.txt: cannot read line: %s" % raw.rstrip())
                return 1
    bad, used = [], set()
    edges = {}
    inc = re.compile(r'^\s*#\s*include\s+"(\w+)/')
    for path in c_files():
        text = open(os.path.join(root, path), encoding="utf-8", errors="replace").read()
        lines = text.split("\n")
        nlines = len(lines) - (1 if text.endswith("\n") else 0)
        if path.endswith(".c") and nlines > MAX_FILE:
            if path in allow_files:
                used.add(("file", path))
            else:
                bad.append("%s: %d lines (limit %d)" % (path, nlines, MAX_FILE))
        if path.endswith(".c"):
            for name, first, length in functions(lines):
                if length > MAX_FUNC:
                    if (path, name) in allow_funcs:
                        used.add(("func", path, name))
                    else:
                        bad.append("%s:%d: function %s has %d lines (limit %d)" %
                                   (path, first, name, length, MAX_FUNC))
        src = folder_of(path)
        if src:
            for k, ln in enumerate(lines):
                m = inc.match(ln)
                if m and m.group(1) in FOLDERS and m.group(1) != src:
                    edges.setdefault(src, set()).add(m.group(1))
                    if src == "ui":
                        bad.append("%s:%d: the UI kit includes from app/%s" %
                                   (path, k + 1, m.group(1)))
    # cycles between folders (depth-first search over the include graph)
    state = {}

    def visit(f, stack):
        state[f] = 1
        for g in sorted(edges.get(f, ())):
            if state.get(g) == 1:
                cyc = stack[stack.index(g):] + [g]
                bad.append("include cycle between app folders: %s" % " -> ".join(cyc))
            elif not state.get(g):
                visit(g, stack + [g])
        state[f] = 2

    for f in FOLDERS:
        if not state.get(f):
            visit(f, [f])
    for p in sorted(allow_files):
        if ("file", p) not in used:
            bad.append("layout-allow.txt: %s is within the limit now; remove its line" % p)
    for p, fn in sorted(allow_funcs):
        if ("func", p, fn) not in used:
            bad.append("layout-allow.txt: %s %s is within the limit now; remove its line" % (p, fn))
    for b in bad:
        print(b)
    print("%d problem(s); folder includes: %s" % (len(bad), ", ".join(
        "%s -> %s" % (k, "/".join(sorted(v))) for k, v in sorted(edges.items()))))
    return 1 if bad else 0


sys.exit(main())
