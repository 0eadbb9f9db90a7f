#!/usr/bin/env python3
"""Random DAX configurations for scripts/build/randconfig-dax.sh.

  randconfig-dax.py choose TREE SEED INDEX CELL
      the fragment of random configuration INDEX for CELL: y, m or n for
      each symbol below, m only for a tristate (the type is read from
      TREE's Kconfig files).  The draw depends only on SEED, INDEX and
      CELL, so a seed replays the same configurations anywhere.
      One exception to independent draws: a symbol that selects another
      one drawn n is n too.  FS_DAX and BLK_DEV_PMEM select DAX, so with
      independent draws DAX=n almost never lands (0 of 10 configurations
      in a measured run), and DAX=n is where the series' stubs matter.
  randconfig-dax.py replay-check TREE
      the test of the above: two runs of choose in fresh interpreters
      (different string hashing, PYTHONHASHSEED) give the same
      fragments for a seed, and another seed gives others.
  randconfig-dax.py landed FRAGMENT DOTCONFIG
      one line per symbol: what was asked, what Kconfig made of it.
      Dependencies override choices (FS_DAX needs ZONE_DEVICE or
      FS_DAX_LIMITED, FUSE_DAX needs FS_DAX, BLK_DEV_PMEM selects DAX,
      ...): that is expected of a randconfig, so this only reports.

Python 3 standard library only.
"""
import os
import random
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import cells  # noqa: E402  the one reader of arch-matrix/cells.tsv

# The symbols the series' code paths depend on: the DAX core, its
# providers (nvdimm/pmem, dm, virtio-fs) and the DAX filesystems.
SYMBOLS = ["DAX", "FS_DAX", "LIBNVDIMM", "BLK_DEV_PMEM", "OF_PMEM",
           "BLK_DEV_DM", "FUSE_FS", "VIRTIO_FS", "FUSE_DAX", "EXT2_FS",
           "EXT4_FS", "XFS_FS", "EROFS_FS"]

CONFIG_RE = re.compile(r"^\s*(?:menu)?config\s+(\w+)\s*$")
TYPE_RE = re.compile(r"^\s*(?:def_)?(bool|tristate)\b")
SELECT_RE = re.compile(r"^\s*select\s+(\w+)")
# Any other Kconfig keyword at the start of a line ends a config block.
BLOCK_END_RE = re.compile(r"^\s*(menu|endmenu|choice|endchoice|if|endif|comment|source)\b")


def kconfig_types(tree):
    """Map each of SYMBOLS to its type, 'bool' or 'tristate', and to the
    other SYMBOLS it selects, from TREE's Kconfig files."""
    types, selects = {}, {s: set() for s in SYMBOLS}
    for top, dirs, files in os.walk(tree):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:
            if not name.startswith("Kconfig"):
                continue
            with open(os.path.join(top, name), errors="replace") as f:
                current = None
                for line in f:
                    m = CONFIG_RE.match(line)
                    if m:
                        current = m.group(1) if m.group(1) in SYMBOLS else None
                        continue
                    if BLOCK_END_RE.match(line):
                        current = None
                    if not current:
                        continue
                    m = TYPE_RE.match(line)
                    if m and current not in types:
                        types[current] = m.group(1)
                    m = SELECT_RE.match(line)
                    if m and m.group(1) in SYMBOLS:
                        selects[current].add(m.group(1))
    missing = [s for s in SYMBOLS if s not in types]
    if missing:
        sys.exit("error: no bool/tristate definition in %s for: %s"
                 % (tree, " ".join(missing)))
    return types, selects


def choose(tree, seed, index, cell):
    types, selects = kconfig_types(tree)
    # A string seed is hashed (SHA-512) by random.seed(): the same on
    # every machine and Python 3 version.
    rng = random.Random("dax-randconfig:%s:%s:%s" % (seed, index, cell))
    drawn = {}
    for sym in SYMBOLS:
        values = ["y", "m", "n"] if types[sym] == "tristate" else ["y", "n"]
        drawn[sym] = rng.choice(values)
    # Symbols are listed before those that select them (DAX first).
    for sym in SYMBOLS:
        off = sorted(s for s in selects[sym] if drawn[s] == "n")
        if drawn[sym] != "n" and off:
            print("# %s drawn %s, set n: it selects %s, drawn n" % (sym, drawn[sym], " ".join(off)))
            drawn[sym] = "n"
        v = drawn[sym]
        print("# CONFIG_%s is not set" % sym if v == "n" else "CONFIG_%s=%s" % (sym, v))


def values(path, pattern):
    got = {}
    with open(path) as f:
        for line in f:
            m = re.match(pattern, line)
            if m:
                got[m.group(1)] = m.group(2)
    return got


def landed(fragment, dotconfig):
    asked = values(fragment, r"^CONFIG_(\w+)=(\S+)")
    asked.update({s: "n" for s in values(fragment, r"^# CONFIG_(\w+) (is) not set")})
    have = values(dotconfig, r"^CONFIG_(\w+)=(\S+)")
    for sym in SYMBOLS:
        a, h = asked.get(sym, "-"), have.get(sym, "n")
        print("%-13s asked %s landed %s%s" % (sym, a, h, "" if a == h else "  (Kconfig)"))


def draws(tree, seed, hashseed):
    env = dict(os.environ, PYTHONHASHSEED=str(hashseed))
    out = []
    for index in range(1, 6):
        for cell in cells.names("randconfig"):
            out.append(subprocess.run(
                [sys.executable, __file__, "choose", tree, seed, str(index), cell],
                env=env, check=True, capture_output=True, text=True).stdout)
    return out


def replay_check(tree):
    first, again = draws(tree, "replay", 1), draws(tree, "replay", 2)
    if first != again:
        sys.exit("error: the same seed gave different configurations")
    if first == draws(tree, "replay-other", 1):
        sys.exit("error: another seed gave the same configurations: the seed is ignored")
    if len(set(first)) < 2:
        sys.exit("error: every draw of one seed is the same configuration")
    print("a seed replays its %d configurations; another seed draws others" % len(first))


def main(argv):
    if len(argv) == 6 and argv[1] == "choose":
        choose(argv[2], argv[3], argv[4], argv[5])
    elif len(argv) == 3 and argv[1] == "replay-check":
        replay_check(argv[2])
    elif len(argv) == 4 and argv[1] == "landed":
        landed(argv[2], argv[3])
    else:
        sys.stderr.write(__doc__)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
