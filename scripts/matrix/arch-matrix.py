#!/usr/bin/env python3
"""The per-architecture data behind the series, and what is made from it.

  arch-matrix.py check TREE     arches.tsv has one row per directory of
                                TREE/arch/, valid classes, and evidence
                                (path:symbol) that exists in TREE
  arch-matrix.py readme         write arch-matrix/README.md from the data
  arch-matrix.py check-readme   fail if README.md is not what readme writes
  arch-matrix.py cover-table    the brief table for the cover letter
  arch-matrix.py check-cover FILE  the cover letter carries that table

The build matrix (the matrix cells of cells.tsv: one per arch, a
toolchain and a configuration, or skip and why; results/ARCH.json: what
a run of scripts/matrix/matrix-cell.py found) and what is made from it:

  arch-matrix.py cells [--arches "A B"] [--shard I/N]
                                the arches to run, in table order; a
                                shard is every Nth of them, from the Ith
  arch-matrix.py check-results [ARCH...]  each result is final (pass or
                                skip) and from the series in patches/
  arch-matrix.py check-kconfig [ARCH...]  FS_DAX, FS_DAX_LIMITED and
                                FUSE_DAX are as on the base in every
                                result, except the changes that
                                kconfig-changes.tsv lists (and no more)
  arch-matrix.py check-bloat    every non-zero bloat-o-meter delta in
                                the results has a line in bloat-explained.tsv
  arch-matrix.py workflow       write the GitHub Actions example,
                                github-actions.yml, from cells.tsv
  arch-matrix.py check-workflow fail if github-actions.yml is not that
"""
import csv
import glob
import hashlib
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import cells as cells_table  # noqa: E402  the one reader of cells.tsv

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DATA = os.path.join(TOP, "arch-matrix", "arches.tsv")
README = os.path.join(TOP, "arch-matrix", "README.md")
COLUMNS = ["arch", "class", "kconfig", "expression", "evidence",
           "upstream_6_12", "agrees", "reason"]
CLASSES = ["never", "always", "build-time", "run-time"]
RESULTS = os.path.join(TOP, "arch-matrix", "results")
EXPLAINED = os.path.join(TOP, "arch-matrix", "bloat-explained.tsv")
EXPLAINED_COLUMNS = ["arch", "object", "why"]
WORKFLOW = os.path.join(TOP, "arch-matrix", "github-actions.yml")
CHANGES = os.path.join(TOP, "arch-matrix", "kconfig-changes.tsv")
CHANGES_COLUMNS = ["arch", "symbol", "base", "series", "why"]
# What the series may change only where an architecture opts in (or a
# listed fix says why), compared per cell with the base build.
GATED = ["FS_DAX", "FS_DAX_LIMITED", "FUSE_DAX"]
OPT_IN = "ARCH_SUPPORTS_FS_DAX_LIMITED"
# The series of the kernel base the Makefile chose (configs/bases/).
PATCHES = os.path.join(TOP, os.environ.get("PATCHES", "patches"))
SYMBOLS = ["FS_DAX", "DAX", "FS_DAX_LIMITED", "FUSE_DAX", "ARCH_HAS_CACHE_ALIASING",
           "ARCH_HAS_CACHE_ALIASING_DYNAMIC"]


def rows(path=DATA, columns=COLUMNS):
    with open(path, newline="") as f:
        reader = csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
        if reader.fieldnames != columns:
            sys.exit(f"error: {path}: columns must be {' '.join(columns)}")
        return list(reader)


def check(tree):
    bad = []
    data = rows()
    arches = sorted(d for d in os.listdir(os.path.join(tree, "arch"))
                    if os.path.isdir(os.path.join(tree, "arch", d)))
    have = [r["arch"] for r in data]
    if sorted(have) != arches or len(set(have)) != len(have):
        bad.append(f"rows {' '.join(have)} != arch/ {' '.join(arches)}")
    for r in data:
        a = r["arch"]
        if r["class"] not in CLASSES:
            bad.append(f"{a}: class '{r['class']}' not one of {CLASSES}")
        if r["agrees"] not in ("yes", "no"):
            bad.append(f"{a}: agrees must be yes or no")
        if r["agrees"] == "no" and len(r["reason"]) < 20:
            bad.append(f"{a}: disagrees with upstream without a reason")
        items = [e.strip() for e in r["evidence"].split(";") if e.strip()]
        if not items:
            bad.append(f"{a}: no evidence")
        for item in items:
            path, _, symbol = item.partition(":")
            full = os.path.join(tree, path)
            if not os.path.exists(full):
                bad.append(f"{a}: evidence {path} does not exist")
            elif symbol and os.path.isfile(full) and \
                    symbol not in open(full, errors="replace").read():
                bad.append(f"{a}: evidence {path} does not mention {symbol}")
    for b in bad:
        print("error: " + b)
    if bad:
        return 2
    counts = {c: sum(r["class"] == c for r in data) for c in CLASSES}
    print(f"arch matrix: {len(data)} rows, " +
          ", ".join(f"{n} {c}" for c, n in counts.items()) +
          f"; {sum(r['agrees'] == 'no' for r in data)} differ from 6.12")
    return 0


def cell(s):
    return s.replace("|", "\\|")


def readme_text():
    data = rows()
    out = ["# Per-architecture answers of cache_is_aliasing()", "",
           "Generated by `scripts/matrix/arch-matrix.py readme` from",
           "[arches.tsv](arches.tsv); edit the data, not this file.", "",
           "Classes: **never** (no symbol, compile-time false), **always**",
           "(`ARCH_HAS_CACHE_ALIASING` alone, compile-time true), **build-time**",
           "(the configuration settles it), **run-time** (some configurations",
           "decide at boot). *6.12* is upstream's later `cpu_dcache_is_aliasing()`.",
           "",
           "| arch | class | Kconfig | cache_is_aliasing() | evidence (6.1) | 6.12 | agrees | why |",
           "|---|---|---|---|---|---|---|---|"]
    for r in data:
        out.append("| " + " | ".join(cell(r[c]) for c in COLUMNS) + " |")
    return "\n".join(out) + "\n" + matrix_text()


# ---- the build matrix ------------------------------------------------
def matrix():
    """The matrix cells of cells.tsv ("-" read as empty)."""
    try:
        return cells_table.select("matrix")
    except cells_table.TableError as e:
        sys.exit(f"error: {e}")


def series_hash(patchdir=PATCHES):
    """lib.sh series_hash: sha1 of the series file and every patch."""
    h = hashlib.sha1()
    for path in [os.path.join(patchdir, "series")] + \
            sorted(glob.glob(os.path.join(patchdir, "*.patch"))):
        with open(path, "rb") as f:
            h.update(f.read())
    return h.hexdigest()


def result(arch):
    try:
        with open(os.path.join(RESULTS, arch + ".json")) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def cells(argv):
    arches, shard = "", "1/1"
    while argv:
        if argv[0] in ("--arches", "--shard") and len(argv) > 1:
            if argv[0] == "--arches":
                arches = argv[1]
            else:
                shard = argv[1] or "1/1"
            argv = argv[2:]
        else:
            return usage()
    i, _, n = shard.partition("/")
    if not (i.isdigit() and n.isdigit() and 1 <= int(i) <= int(n)):
        print(f"error: SHARD={shard}: want I/N with 1 <= I <= N", file=sys.stderr)
        return 1
    known = [r["arch"] for r in matrix()]
    want = arches.split()
    unknown = [a for a in want if a not in known]
    if unknown:
        print(f"error: no matrix cell for {' '.join(unknown)} "
              f"(arches: {' '.join(known)})", file=sys.stderr)
        return 1
    chosen = [a for a in known if not want or a in want]
    for k, a in enumerate(chosen):
        if k % int(n) == int(i) - 1:
            print(a)
    return 0


def check_results(arches):
    want = series_hash()
    bad = []
    for a in arches or [r["arch"] for r in matrix()]:
        r = result(a)
        if r is None:
            bad.append(f"{a}: no arch-matrix/results/{a}.json")
        elif r.get("series") != want:
            bad.append(f"{a}: stale: built from series {str(r.get('series'))[:12]}, "
                       f"patches/ is {want[:12]}")
        elif r.get("status") not in ("pass", "skip"):
            bad.append(f"{a}: status {r.get('status')}: {r.get('reason', 'killed while running')}")
    for b in bad:
        print("error: " + b)
    if bad:
        print("error: rerun: make matrix ARCHES='" +
              " ".join(b.split(":")[0] for b in bad) + "', then commit arch-matrix/")
        return 2
    print(f"arch matrix results: {len(arches) or len(matrix())} cells final and from patches/ {want[:12]}")
    return 0


def check_kconfig(arches):
    """Every difference from the base in GATED is a row of CHANGES, and
    every row happens; an "opt-in" row needs OPT_IN=y with the series."""
    allowed = {(c["arch"], c["symbol"]): c for c in rows(CHANGES, CHANGES_COLUMNS)}
    bad, seen, n = [], set(), 0
    for a in arches or [r["arch"] for r in matrix()]:
        r = result(a)
        if r is None or r.get("status") == "skip":
            continue
        cfg = r.get("config", {})
        base, patched = cfg.get("base", {}), cfg.get("patched", {})
        n += 1
        for sym in GATED:
            if sym not in base or sym not in patched:
                bad.append(f"{a}: the result has no {sym}: rerun make matrix ARCHES={a}")
                continue
            if base[sym] == patched[sym]:
                continue
            row = allowed.get((a, sym))
            seen.add((a, sym))
            if row is None or (row["base"], row["series"]) != (base[sym], patched[sym]):
                bad.append(f"{a}: {sym} is {base[sym]} on the base and {patched[sym]} "
                           "with the series, and kconfig-changes.tsv does not allow that")
            elif row["why"].startswith("opt-in") and patched.get(OPT_IN) != "y":
                bad.append(f"{a}: {sym} changes as an opt-in, but {OPT_IN} is "
                           f"{patched.get(OPT_IN, 'missing')} with the series")
            else:
                print(f"{a}: {sym} {base[sym]} -> {patched[sym]}: {row['why']}")
    for (a, sym), row in allowed.items():
        if (not arches or a in arches) and (a, sym) not in seen and result(a):
            bad.append(f"{a}: kconfig-changes.tsv allows {sym} {row['base']} -> "
                       f"{row['series']}, but the results show no such change")
    for b in bad:
        print("error: " + b)
    if bad:
        return 2
    print(f"{', '.join(GATED)}: as on the base in {n} cells, but the listed changes")
    return 0


def explanations():
    return rows(EXPLAINED, EXPLAINED_COLUMNS) if os.path.exists(EXPLAINED) else []


def explain(arch, obj, notes):
    """The line for this arch and object, else the one for every arch (*)."""
    for want in (arch, "*"):
        for e in notes:
            if e["arch"] == want and e["object"] == obj:
                return e["why"]
    return None


def nonzero():
    """(arch, object, entry) for every non-zero delta in the results."""
    for r in matrix():
        res = result(r["arch"]) or {}
        for obj, v in sorted(res.get("bloat", {}).get("objects", {}).items()):
            if v["delta"]:
                yield r["arch"], obj, v


def check_bloat():
    notes = explanations()
    bad = [f"{a} {o}: {v['delta']:+d} bytes ({', '.join(v['symbols'][:4])}) has no "
           f"line in arch-matrix/bloat-explained.tsv" for a, o, v in nonzero()
           if not explain(a, o, notes)]
    for b in bad:
        print("error: " + b)
    if bad:
        return 2
    print(f"every non-zero bloat-o-meter delta is explained ({len(list(nonzero()))} of them)")
    return 0


def seconds(res, side):
    return sum(res.get("seconds", {}).get(side, {}).values())


def matrix_text():
    klass = {r["arch"]: r["class"] for r in rows()}
    notes = explanations()
    want = series_hash()
    out = ["", "## Build matrix", "",
           "Generated from the matrix cells of [cells.tsv](cells.tsv) and",
           "[results/](results/) (`make matrix`, `scripts/matrix/matrix-cell.py`).",
           "Each cell builds the series and the unpatched base with the same",
           "configuration, W=1: the probe (the series only), `drivers/dax/`,",
           "`fs/dax.o` if FS_DAX, `drivers/nvdimm/` if LIBNVDIMM. *new W=1*",
           "counts warnings the base build of the same configuration does not",
           "give. Times are the last run's, in seconds: the patched and the",
           "base build, and the whole cell with the toolchain check.", "",
           "| arch | status | toolchain | config | FS_DAX | DAX | FS_DAX_LIMITED | FUSE_DAX | "
           "ALIASING | _DYNAMIC | probe | new W=1 | patched s | base s | cell s | series |",
           "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    notes_out = []
    for r in matrix():
        a, res = r["arch"], result(r["arch"])
        if res is None:
            out.append(f"| {a} | no result |" + " |" * 14)
            continue
        cfg = res.get("config", {}).get("patched", {})
        status = res.get("status", "?")
        if status != "pass":
            notes_out.append(f"- **{a}** {status}: {res.get('reason', 'killed while running')}")
        fresh = "current" if res.get("series") == want else "STALE " + str(res.get("series"))[:12]
        tool = res.get("toolchain", {}).get("version", "-")
        conf = "-" if res.get("config", {}).get("defconfig", "-") == "-" else \
            f"{res['config']['defconfig']} + {res['config'].get('fragments', '-')}"
        warn = res.get("warnings", {})
        out.append("| " + " | ".join(cell(str(x)) for x in [
            a, status, tool, conf] + [cfg.get(k, "-") for k in SYMBOLS] + [
            res.get("expect", "-") if cfg else "-",
            len(warn.get("new", [])) if warn else "-",
            f"{seconds(res, 'patched'):.0f}" if cfg else "-",
            f"{seconds(res, 'base'):.0f}" if cfg else "-",
            res.get("seconds", {}).get("total", "-"), fresh]) + " |")
    if notes_out:
        out += ["", "Not passed, and why:", ""] + notes_out
    out += ["", "## Zero cost: bloat-o-meter, series vs base", "",
            "Per cell, `scripts/bloat-o-meter` on every object both builds have.",
            "The goal is 0 bytes wherever the class is never, always or",
            "build-time. *new* objects exist only with the series (its probe",
            "aside): what the base configuration refuses to build.", "",
            "| arch | class | objects | zero | non-zero | total bytes | new objects |",
            "|---|---|---|---|---|---|---|"]
    for r in matrix():
        b = (result(r["arch"]) or {}).get("bloat")
        if not b:
            continue
        deltas = [v["delta"] for v in b["objects"].values()]
        out.append("| " + " | ".join(cell(str(x)) for x in [
            r["arch"], klass.get(r["arch"], "?"), len(deltas),
            sum(d == 0 for d in deltas), sum(d != 0 for d in deltas),
            f"{b['total']:+d}", " ".join(b["new"]) or "-"]) + " |")
    out += ["", "Every non-zero delta, and why (from",
            "[bloat-explained.tsv](bloat-explained.tsv)):", "",
            "| arch | object | bytes | symbols | why |", "|---|---|---|---|---|"]
    for a, o, v in nonzero():
        out.append("| " + " | ".join(cell(str(x)) for x in [
            a, o, f"{v['delta']:+d}", ", ".join(v["symbols"][:6]),
            explain(a, o, notes) or "UNEXPLAINED"]) + " |")
    out.append("")
    return "\n".join(out)


def cover_table():
    by = {c: [r["arch"] for r in rows() if r["class"] == c] for c in CLASSES}
    lines = ["  class       architectures"]
    for c in CLASSES:
        words, line = by[c] or ["-"], f"  {c:<11}"
        for w in words:
            if len(line) + len(w) + 1 > 72:
                lines.append(line.rstrip())
                line = " " * 13
            line += " " + w
        lines.append(line.rstrip())
    return "\n".join(lines) + "\n"


def workflow_text():
    run = [r for r in matrix() if not r["skip"]]
    skipped = [r for r in matrix() if r["skip"]]
    out = ["# Generated by scripts/matrix/arch-matrix.py workflow from",
           "# the matrix cells of arch-matrix/cells.tsv: edit the data, not this file.",
           "#",
           "# An example for a hosted CI: one job per architecture of the matrix,",
           "# on Debian 12 (the cross compilers are Debian packages). Copy it to",
           "# .github/workflows/ in a repository that carries this project.",
           "# Each job runs make matrix ARCHES=<arch>; a CI with fewer, larger",
           "# runners can split the same list with make matrix SHARD=i/N.",
           "#",
           "# Not run: no Debian 12 toolchain (SKIP in every run, with the reason):"]
    for r in skipped:
        out.append(f"#   {r['arch']}")
    out += ["name: arch-matrix",
            "on: [push, pull_request, workflow_dispatch]",
            "jobs:",
            "  cell:",
            "    runs-on: ubuntu-latest",
            "    container: debian:bookworm",
            "    timeout-minutes: 30",
            "    strategy:",
            "      fail-fast: false",
            "      matrix:",
            "        include:"]
    for r in run:
        out += [f"          - arch: {r['arch']}",
                f"            packages: \"{' '.join(r['packages'].split(','))}\""]
    out += ["    steps:",
            "      - name: make and git for the checkout, the cell's toolchain",
            "        run: |",
            "          apt-get update",
            "          apt-get install -y --no-install-recommends ca-certificates git make ${{ matrix.packages }}",
            "      - uses: actions/checkout@v4",
            "      - name: ccache, kept per architecture",
            "        uses: actions/cache@v4",
            "        with:",
            "          path: build/ccache",
            "          key: ccache-${{ matrix.arch }}-${{ github.sha }}",
            "          restore-keys: ccache-${{ matrix.arch }}-",
            "      - name: the project's own dependencies and the kernel source",
            "        run: git config --global --add safe.directory \"$PWD\" && make deps kernel",
            "      - name: build the cell (series and base, W=1, bloat-o-meter)",
            "        run: make matrix ARCHES=${{ matrix.arch }}",
            "      - name: keep the cell's result",
            "        if: always()",
            "        uses: actions/upload-artifact@v4",
            "        with:",
            "          name: result-${{ matrix.arch }}",
            "          path: arch-matrix/results/${{ matrix.arch }}.json",
            ""]
    return "\n".join(out)


def usage():
    print(__doc__, file=sys.stderr)
    return 1


def main(argv):
    if argv[:1] == ["check"] and len(argv) == 2:
        return check(argv[1])
    if argv == ["readme"]:
        open(README, "w").write(readme_text())
        return 0
    if argv == ["check-readme"]:
        if open(README).read() != readme_text():
            print("error: arch-matrix/README.md is stale; run: make matrix-doc")
            return 2
        print("arch-matrix/README.md matches arches.tsv and results/")
        return 0
    if argv == ["cover-table"]:
        sys.stdout.write(cover_table())
        return 0
    if argv[:1] == ["check-cover"] and len(argv) == 2:
        if cover_table() not in open(argv[1]).read():
            print(cover_table())
            print("error: the cover letter does not carry the table above; "
                  "update the branch description and make export")
            return 2
        print("cover letter carries the generated arch table")
        return 0
    if argv[:1] == ["cells"]:
        return cells(argv[1:])
    if argv[:1] == ["check-results"]:
        return check_results(argv[1:])
    if argv == ["check-bloat"]:
        return check_bloat()
    if argv[:1] == ["check-kconfig"]:
        return check_kconfig(argv[1:])
    if argv == ["workflow"]:
        open(WORKFLOW, "w").write(workflow_text())
        return 0
    if argv == ["check-workflow"]:
        if not os.path.exists(WORKFLOW) or open(WORKFLOW).read() != workflow_text():
            print("error: arch-matrix/github-actions.yml is not what cells.tsv "
                  "gives; run: python3 scripts/matrix/arch-matrix.py workflow")
            return 2
        print("arch-matrix/github-actions.yml matches cells.tsv")
        return 0
    return usage()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
