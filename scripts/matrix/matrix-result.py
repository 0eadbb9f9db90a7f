#!/usr/bin/env python3
"""Set fields of one arch-matrix result file (JSON), creating it if needed.

  matrix-result.py FILE KEY=TEXT...    KEY gets the string TEXT
  matrix-result.py FILE KEY:=JSON...   KEY gets a JSON value (number, list)
  matrix-result.py FILE @OTHER.json    OTHER's top-level keys are merged in

Dotted keys nest: seconds.patched.prepare=12.  The file is replaced
atomically, so a run killed at any moment leaves the last complete
state (a cell writes status "running" first, then the rest as it goes).

exit: 0 written, 1 usage or a bad JSON value
"""
import json
import os
import sys


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 1
    path = argv[0]
    try:
        with open(path) as f:
            data = json.load(f)
    except (OSError, ValueError):
        data = {}
    for arg in argv[1:]:
        if arg.startswith("@"):
            with open(arg[1:]) as f:
                data.update(json.load(f))
            continue
        key, sep, value = arg.partition("=")
        if not sep or not key:
            print(f"error: '{arg}' is not KEY=TEXT or KEY:=JSON", file=sys.stderr)
            return 1
        if key.endswith(":"):
            key = key[:-1]
            try:
                value = json.loads(value)
            except ValueError:
                print(f"error: {key}: '{value}' is not JSON", file=sys.stderr)
                return 1
        node, *path_keys = key.split(".")
        parent, last = data, node
        for k in path_keys:
            parent = parent.setdefault(last, {})
            last = k
        parent[last] = value
    tmp = f"{path}.tmp{os.getpid()}"
    with open(tmp, "w") as f:
        json.dump(data, f, indent=1, sort_keys=True)
        f.write("\n")
    os.replace(tmp, path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
