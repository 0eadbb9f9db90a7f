#!/usr/bin/env python3
"""The one reader of arch-matrix/cells.tsv, the build cells of every job.

  cells.py names JOB [--arch ARCH]   the cells of JOB, in table order
  cells.py shell JOB NAME            the cell as shell assignments
                                     (cell_arch=... cell_cross=...),
                                     "-" read as empty: eval them
  cells.py check                     the table keeps its rules

Python callers import it: load(), select(JOB), names(JOB), get(JOB, NAME).
exit: 0 ok, 1 usage or no such cell, 2 the table breaks a rule
"""
import csv
import os
import shlex
import sys

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TABLE = os.path.join(TOP, "arch-matrix", "cells.tsv")
COLUMNS = ["jobs", "name", "arch", "cross", "packages", "llvm", "config",
           "fragments", "expect", "objects", "dax_on", "dax_off", "fs_dax", "skip"]
# What each job reads; a cell with a skip reason needs none of it.
NEEDS = {
    "compile": ["arch", "packages", "config", "fragments", "expect"],
    "matrix": ["arch", "packages", "config", "fragments", "expect"],
    "bisect": ["arch", "packages", "config", "fragments", "dax_on", "dax_off", "fs_dax"],
    "randconfig": ["arch", "packages", "config", "fragments"],
}
VALUES = {"expect": ("false", "true", "runtime"), "fs_dax": ("always", "tip", "kept")}


class TableError(Exception):
    pass


def load(path=TABLE):
    """Every row as a dict, "-" as "", jobs as a list."""
    with open(path, newline="") as f:
        lines = [line for line in f if not line.startswith("#")]
    reader = csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE)
    if reader.fieldnames != COLUMNS:
        raise TableError(f"{path}: columns must be {' '.join(COLUMNS)}")
    cells = []
    for n, row in enumerate(reader, 2):
        if None in row or None in row.values():
            raise TableError(f"{path}: row {n} ({row.get('name')}) does not have "
                             f"{len(COLUMNS)} fields")
        cell = {k: ("" if v == "-" else v) for k, v in row.items()}
        cell["jobs"] = cell["jobs"].split(",")
        cells.append(cell)
    return cells


def select(job, arch=None, path=TABLE):
    if job not in NEEDS:
        raise TableError(f"no job '{job}': jobs are {' '.join(NEEDS)}")
    return [c for c in load(path) if job in c["jobs"] and (not arch or c["arch"] == arch)]


def names(job, arch=None, path=TABLE):
    return [c["name"] for c in select(job, arch, path)]


def get(job, name, path=TABLE):
    for c in select(job, path=path):
        if c["name"] == name:
            return c
    raise TableError(f"no {job} cell '{name}' in arch-matrix/cells.tsv")


def problems(path=TABLE):
    bad = []
    try:
        cells = load(path)
    except TableError as e:
        return [str(e)]
    seen = set()
    for c in cells:
        for job in c["jobs"]:
            where = f"{job} cell {c['name']}"
            if job not in NEEDS:
                bad.append(f"{where}: no such job")
                continue
            if (job, c["name"]) in seen:
                bad.append(f"{where}: named twice")
            seen.add((job, c["name"]))
            if job == "matrix" and c["name"] != c["arch"]:
                bad.append(f"{where}: a matrix cell is named after its arch")
            if c["skip"]:
                continue
            bad += [f"{where}: no {k}" for k in NEEDS[job] if not c[k]]
            bad += [f"{where}: {k} '{c[k]}' is not one of {'/'.join(v)}"
                    for k, v in VALUES.items() if c[k] and c[k] not in v]
        for o in filter(None, c["objects"].split(",")):
            sym, sep, obj = o.partition(":")
            if not sep or not sym or not obj.endswith(".o"):
                bad.append(f"{c['name']}: object '{o}' is not SYMBOL:path.o")
    return bad


def main(argv):
    try:
        if argv[:1] == ["names"] and len(argv) in (2, 4):
            arch = argv[3] if len(argv) == 4 and argv[2] == "--arch" else None
            if len(argv) == 4 and argv[2] != "--arch":
                raise IndexError
            for name in names(argv[1], arch):
                print(name)
            return 0
        if argv[:1] == ["shell"] and len(argv) == 3:
            c = get(argv[1], argv[2])
            for k in COLUMNS:
                v = ",".join(c[k]) if k == "jobs" else c[k]
                print(f"cell_{k}={shlex.quote(v)}")
            return 0
        if argv == ["check"]:
            bad = problems()
            for b in bad:
                print("error: " + b)
            if bad:
                return 2
            cells = load()
            print(f"arch-matrix/cells.tsv: {len(cells)} cells; " + ", ".join(
                f"{job} {len(select(job))}" for job in NEEDS))
            return 0
    except TableError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    except IndexError:
        pass
    print(__doc__, file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
