#!/usr/bin/env python3
"""The sparse warnings the series itself adds.

usage: sparse-new.py TREE BASE_REF SPARSE_LOG OUT

TREE is the series applied (a git tree whose BASE_REF is the base);
SPARSE_LOG the output of "make C=2 CHECK=sparse" in a build directory
inside a mirror of TREE, so that sparse names files relative to it
("../fs/dax.c").  A warning is the series' when it points at a line the
series added or changed (git diff -U0 BASE_REF): what the series' code
gives, wherever the configuration compiles it, whether or not the base
configuration compiled that file at all.  Warnings on the base's own
lines are counted, not judged.

Writes OUT (one new warning per line, "file:line: message"), prints a
one-line summary.  exit: 0 none new, 1 usage, 2 new warnings.
"""
import re
import subprocess
import sys

WARNING = re.compile(r"^(?:\.\./)*([^ :]+):(\d+):\d+: (warning|error): (.*)$")
HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@")


def changed_lines(tree, base):
    diff = subprocess.run(["git", "-C", tree, "diff", "-U0", "--no-color", base, "HEAD"],
                          capture_output=True, text=True, check=True).stdout
    lines, path = {}, None
    for line in diff.splitlines():
        if line.startswith("+++ "):
            path = None if line == "+++ /dev/null" else line[6:]
        elif path and (m := HUNK.match(line)):
            start, count = int(m.group(1)), int(m.group(2) or 1)
            lines.setdefault(path, set()).update(range(start, start + count))
    return lines


def main(argv):
    if len(argv) != 4:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 1
    tree, base, log, out = argv
    changed = changed_lines(tree, base)
    total, new = 0, []
    with open(log, errors="replace") as f:
        for line in f:
            m = WARNING.match(line.rstrip("\n"))
            if not m:
                continue
            total += 1
            path, num = m.group(1), int(m.group(2))
            if num in changed.get(path, ()):
                new.append(f"{path}:{num}: {m.group(3)}: {m.group(4)}")
    new = sorted(set(new))
    with open(out, "w") as f:
        f.writelines(n + "\n" for n in new)
    print(f"sparse: {total} warnings in what the series touches, "
          f"{len(new)} on lines the series added")
    return 2 if new else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
