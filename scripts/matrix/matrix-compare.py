#!/usr/bin/env python3
"""Compare the two sides of one arch-matrix cell.

  matrix-compare.py OUT.json TREE BASE PATCHED_OUT BASE_OUT NM_PREFIX PATCHES

writes {"bloat": ..., "warnings": ...} to OUT.json for matrix-cell.py to
merge into the cell's result, and prints a summary.

Zero cost: every object the patched side built (PATCHED_OUT/targets) is
compared with the same object of the base by the kernel's
scripts/bloat-o-meter (NM_PREFIX: how it finds nm, e.g. the cross
prefix; "" for the host's).  Objects the base configuration does not
build (FS_DAX where the base refuses it) are listed as new.

Warnings, the fair W=1 rule: W=1 is noisy in base code on some arches,
so a warning fails the cell only if the base build of the same
configuration does not give it too, in make prepare or the objects
(some arches regenerate prepare-time files in either step).  Warnings are compared as "file:
message", without line numbers, which the series shifts in the files it
touches.  A warning in an object only the series builds (a file the
base configuration leaves out) is always new: the series is what puts
that code in front of this compiler.  The probe has no base build; its
log counts for the probe itself and the files the series touches
(PATCHES, the "+++ b/" lines): building an external module also
compiles some of the arch's own helpers (UML's user-offsets.c).

exit: 0 no new warning, 1 usage, 2 new warnings (listed)
"""
import json
import os
import re
import subprocess
import sys

WARNING = re.compile(r"^(?P<file>[^\s:]+):(?:\d+:){0,2} warning: (?P<msg>.*)$")


def objects(out):
    found = []
    with open(os.path.join(out, "targets")) as f:
        targets = [t.strip() for t in f if t.strip()]
    for t in targets:
        if not t.endswith("/"):
            found.append(t)
            continue
        for root, _, files in os.walk(os.path.join(out, t)):
            for name in files:
                if name.endswith(".o") and compiled(os.path.join(root, name)):
                    found.append(os.path.relpath(os.path.join(root, name), out))
    return sorted(found)


def compiled(obj):
    """Compiled from one source file: Kbuild's compile command ends in
    "-c -o $@ $<".  An object linked from others (a module of several
    files, "ld -r") would count its parts twice."""
    cmd = os.path.join(os.path.dirname(obj), "." + os.path.basename(obj) + ".cmd")
    try:
        with open(cmd, errors="replace") as f:
            return " -c -o " in f.readline()
    except OSError:
        return False


def bloat(tree, nm_prefix, old, new):
    cmd = ["/usr/bin/python3", os.path.join(tree, "scripts", "bloat-o-meter")]
    if nm_prefix:
        cmd += ["-p", nm_prefix]
    res = subprocess.run(cmd + [old, new], capture_output=True, text=True)
    total = re.search(r"Total: Before=(\d+), After=(\d+)", res.stdout)
    if res.returncode != 0 or not total:
        raise RuntimeError(f"bloat-o-meter {old} {new}: {res.stderr.strip()}")
    before, after = int(total.group(1)), int(total.group(2))
    changed = []
    for line in res.stdout.splitlines():
        parts = line.split()
        if len(parts) == 4 and re.fullmatch(r"[+-]\d+", parts[3]) and parts[3] not in ("+0", "-0"):
            changed.append(f"{parts[0]} {parts[3]}")
    return {"before": before, "after": after, "delta": after - before,
            "symbols": changed}


def series_files(patchdir):
    files = set()
    for name in os.listdir(patchdir):
        if name.endswith(".patch"):
            for line in open(os.path.join(patchdir, name), errors="replace"):
                if line.startswith("+++ b/"):
                    files.add(line[6:].strip())
    return files


def warnings(out, logs, prefixes, keep=lambda f: True):
    seen = set()
    for log in logs:
        path = os.path.join(out, log)
        if not os.path.exists(path):
            continue
        for line in open(path, errors="replace"):
            m = WARNING.match(line.strip())
            if not m:
                continue
            f = m.group("file")
            # A build directory inside the tree sees it as "..".
            if f.startswith("../"):
                f = f[3:]
            for p in prefixes:
                if f.startswith(p + "/"):
                    f = f[len(p) + 1:]
            if keep(f):
                seen.add(f"{f}: {m.group('msg')}")
    return seen


def main(argv):
    if len(argv) != 7:
        print(__doc__, file=sys.stderr)
        return 1
    path, tree, base, pout, bout, nm_prefix, patchdir = argv
    prefixes = [os.path.realpath(p) for p in (tree, base, pout, bout)]
    cmp = {"objects": {}, "new": [], "total": 0}
    for obj in objects(pout):
        old = os.path.join(bout, obj)
        if not os.path.exists(old):
            cmp["new"].append(obj)
            continue
        cmp["objects"][obj] = bloat(tree, nm_prefix, old, os.path.join(pout, obj))
        cmp["total"] += cmp["objects"][obj]["delta"]
    touched = series_files(patchdir)
    mine = warnings(pout, ["prepare.log", "objects.log"], prefixes) | warnings(
        pout, ["probe.log"], prefixes + [os.path.realpath(pout)],
        lambda f: f.startswith("probe/") or f in touched or
        any(f.endswith("/" + t) for t in touched))
    theirs = warnings(bout, ["prepare.log", "objects.log"], prefixes)
    new = sorted(mine - theirs)
    with open(path, "w") as f:
        json.dump({"bloat": cmp, "warnings": {"patched": len(mine), "base": len(theirs), "new": new}},
                  f, sort_keys=True)
    nonzero = {o: v["delta"] for o, v in cmp["objects"].items() if v["delta"]}
    print(f"bloat-o-meter: {len(cmp['objects'])} objects compared, total {cmp['total']:+d} bytes"
          + (f" ({', '.join(f'{o} {d:+d}' for o, d in nonzero.items())})" if nonzero else "")
          + (f"; new objects: {' '.join(cmp['new'])}" if cmp["new"] else ""))
    print(f"W=1 warnings: {len(mine)} patched, {len(theirs)} base, {len(new)} new")
    for w in new:
        print(f"  new warning: {w}")
    if new:
        print(f"error: {len(new)} W=1 warning(s) the base build does not have")
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
