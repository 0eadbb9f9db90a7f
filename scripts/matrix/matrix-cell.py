#!/usr/bin/env python3
"""One cell of the arch matrix: one architecture, a matrix cell of
arch-matrix/cells.tsv.

usage: matrix-cell.py ARCH TREE BASE OUTDIR

Installs the cell's toolchain (Debian packages), builds the series
(TREE) and the unpatched base (BASE) with the same configuration, W=1
(scripts/build/build-cell.sh, the one cell builder: the series' side
checked and probed, the base's only built), compares them
(matrix-compare.py: bloat-o-meter per object, W=1 warnings) and, for
the cells in SPARSE_ARCHES (default "arm x86"), runs sparse over the
series' objects (sparse-new.py: a warning on a line the series added
fails).

Both trees are built in hard-linked mirrors under OUTDIR (tree_mirror,
lib.sh: ccache then shares objects between them) with the build
directories inside (OUTDIR/{patched,base}/o-ARCH, reused); the logs go
to OUTDIR/ARCH/.

The result, arch-matrix/results/ARCH.json (MATRIX_RESULTS= for another
folder), is kept in memory and written once, when the cell ends: pass,
fail or skip, or "killed" if a signal (the test's time limit) stopped it.

exit: 0 pass, 1 usage, 2 a build or check failed, 77 skip (the cell
      says why, or its toolchain cannot be installed)
"""
import importlib.util
import json
import os
import signal
import subprocess
import sys
import time

SCRIPTS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TOP = os.path.dirname(SCRIPTS)
sys.path.insert(0, os.path.join(SCRIPTS, "lib"))
import cells  # noqa: E402  the one reader of arch-matrix/cells.tsv

SKIP = 77


def load_script(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


arch_matrix = load_script("arch_matrix", os.path.join(SCRIPTS, "matrix", "arch-matrix.py"))


class CellEnd(Exception):
    """How the cell ended: status, exit code, the reason (also printed)."""

    def __init__(self, status, code, reason):
        super().__init__(reason)
        self.status, self.code, self.reason = status, code, reason


def killed(signum, _frame):
    raise CellEnd("killed", 124, f"error: killed by signal {signum} "
                  "(the test's time limit?) before the cell ended")


def now():
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def loadavg():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def lib_sh(function, *args, env=None):
    """Call one function of the bash libraries (lib.sh, kbuild.sh): the
    project has one copy of each, and it is there."""
    script = '. "$0/lib/lib.sh" && . "$0/lib/kbuild.sh" && "$@"'
    return subprocess.run(["bash", "-c", script, SCRIPTS, function, *args], env=env,
                          stdout=subprocess.PIPE, text=True)


def deps(*packages):
    """deps.sh: install what is missing; its messages go to stderr."""
    return subprocess.run([os.path.join(SCRIPTS, "lib", "deps.sh"), *packages],
                          stdout=sys.stderr).returncode == 0


def last_line(path):
    try:
        with open(path, errors="replace") as f:
            lines = [line.rstrip("\n") for line in f if line.strip()]
    except OSError:
        return "no log"
    return lines[-1] if lines else "empty log"


def side_result(result, side, o):
    """What build-cell.sh noted for one side: phase times, DAX symbols."""
    seconds = result.setdefault("seconds", {}).setdefault(side, {})
    try:
        with open(os.path.join(o, "seconds")) as f:
            for line in f:
                phase, ms = line.split()
                seconds[phase] = round(int(ms) / 1000, 1)
    except OSError:
        pass
    try:
        with open(os.path.join(o, "summary")) as f:
            for kv in f.read().split():
                sym, _, value = kv.partition("=")
                result["config"].setdefault(side, {})[sym] = value
    except OSError:
        pass


def nm_prefix(cell, out):
    """bloat-o-meter runs "${prefix}nm --size-sort": the cross binutils'
    nm, or for the clang cells LLVM's, which also lists undefined symbols
    (without a size, which bloat-o-meter cannot parse): wrap it."""
    llvm = cell["llvm"]
    if not llvm:
        return cell["cross"]
    nm = llvm + "llvm-nm" if llvm.endswith("/") else \
        "llvm-nm" + llvm if llvm.startswith("-") else "llvm-nm"
    wrapper = os.path.join(out, "llvm-nm")
    with open(wrapper, "w") as f:
        f.write(f'#!/bin/sh\nexec {nm} --defined-only "$@"\n')
    os.chmod(wrapper, 0o755)
    return os.path.join(out, "llvm-")


def run_cell(cell, result, tree, base, top_out, out):
    arch, patches = cell["arch"], os.path.join(TOP, os.environ.get("PATCHES", "patches"))
    if cell["skip"]:
        raise CellEnd("skip", SKIP, cell["skip"])
    packages = cell["packages"].split(",")
    print(f"# {arch}: toolchain {' '.join(packages)}", file=sys.stderr, flush=True)
    t = time.time()
    if not deps(*packages):
        raise CellEnd("skip", SKIP, f"no toolchain: apt-get install {' '.join(packages)} failed")
    # The cell names its compiler: neither CROSS_COMPILE nor LLVM from
    # the environment reaches it (a cross prefix fits one arch only).
    env = dict(os.environ, CCACHE_DIR=os.environ.get("CCACHE_DIR", os.path.join(TOP, "build", "ccache")),
               CCACHE_NOHASHDIR="1")  # the kernel's debug info would make ccache hash the build directory
    env.pop("CROSS_COMPILE", None)
    env.pop("LLVM", None)
    if cell["llvm"]:
        env["LLVM"] = cell["llvm"]
    cc = lib_sh("kernel_cc", cell["cross"], env=env).stdout.strip()
    try:
        version = subprocess.run([cc, "--version"], stdout=subprocess.PIPE,
                                 text=True, check=True).stdout.splitlines()[0]
    except (OSError, subprocess.CalledProcessError):
        raise CellEnd("skip", SKIP, f"no toolchain: {cc} not found after installing "
                      f"{' '.join(packages)}")
    result["toolchain"] = {"packages": cell["packages"], "cc": cc, "version": version}
    if cell["llvm"]:
        result["toolchain"]["llvm"] = cell["llvm"]
    result["seconds"]["toolchain"] = int(time.time() - t)
    result["ccache"] = env["CCACHE_DIR"]

    # The base needs no sparse run: its lines are not judged.
    sparse = arch in os.environ.get("SPARSE_ARCHES", "arm x86").split()
    if sparse and not deps("sparse"):
        raise CellEnd("fail", 1, "error: cannot install sparse")
    for side, src in (("patched", tree), ("base", base)):
        if not os.path.isdir(os.path.join(src, "arch")):
            raise CellEnd("fail", 1, f"error: {src} is not a kernel tree")
        mirror = os.path.join(top_out, side)
        if lib_sh("tree_mirror", src, mirror).returncode:
            raise CellEnd("fail", 2, f"error: cannot mirror {src} in {mirror}")
        o = os.path.join(mirror, "o-" + arch)
        # The series must keep every requested symbol and give the probe's
        # answer; the base keeps what its own Kconfig allows of them.
        opts = ["-w", "-r"] + (["-p", "-P", patches] + (["-s"] if sparse else [])
                               if side == "patched" else ["-u"])
        log = os.path.join(out, side + ".log")
        with open(log, "w") as f:
            rc = subprocess.run([os.path.join(SCRIPTS, "build", "build-cell.sh"), *opts,
                                 "matrix", arch, mirror, o], env=env, stdout=f,
                                stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL).returncode
        side_result(result, side, o)
        if rc:
            raise CellEnd("fail", 1 if rc == 1 else 2, f"{side}: {last_line(log)}")

    t = time.time()
    compare_json = os.path.join(out, "compare.json")
    if os.path.exists(compare_json):
        os.remove(compare_json)
    with open(os.path.join(out, "compare.log"), "w") as f:
        rc = subprocess.run([sys.executable, os.path.join(SCRIPTS, "matrix", "matrix-compare.py"),
                             compare_json, os.path.join(top_out, "patched"),
                             os.path.join(top_out, "base"),
                             os.path.join(top_out, "patched", "o-" + arch),
                             os.path.join(top_out, "base", "o-" + arch),
                             nm_prefix(cell, out), patches],
                            stdout=f, stderr=subprocess.STDOUT).returncode
    if os.path.exists(compare_json):
        with open(compare_json) as f:
            result.update(json.load(f))
        result["seconds"]["compare"] = int(time.time() - t)
    with open(os.path.join(out, "compare.log"), errors="replace") as f:
        compare = f.read()
    print(compare, end="")
    if rc:
        raise CellEnd("fail", 2, f"{last_line(os.path.join(out, 'compare.log'))} "
                      f"(log: {os.path.join(out, 'compare.log')})")

    if sparse:
        o = os.path.join(top_out, "patched", "o-" + arch)
        new = os.path.join(out, "sparse.new")
        summary = subprocess.run([sys.executable, os.path.join(SCRIPTS, "matrix", "sparse-new.py"),
                                  tree, "base", os.path.join(o, "sparse.log"), new],
                                 stdout=subprocess.PIPE, text=True)
        print(summary.stdout, end="")
        with open(new) as f:
            found = f.read().splitlines()
        with open(os.path.join(o, "sparse.targets")) as f:
            checked = f.read().split()
        result["sparse"] = {"new": len(found), "targets": " ".join(checked) + " "}
        if summary.returncode:
            for w in found[:20]:
                print("new sparse warning: " + w)
            raise CellEnd("fail", 2, f"error: {len(found)} sparse warning(s) on lines the "
                          f"series added, the first: {found[0] if found else '?'} (all: {new})")

    with open(os.path.join(top_out, "patched", "o-" + arch, "summary")) as f:
        summary = f.read().strip()
    first = compare.splitlines()[0] if compare else ""
    raise CellEnd("pass", 0, f"pass: {summary} probe {cell['expect']}; {first}")


def main(argv):
    if len(argv) != 4:
        print(__doc__, file=sys.stderr)
        return 1
    arch, tree, base, top_out = argv[0], argv[1], argv[2], os.path.realpath(argv[3])
    try:
        cell = cells.get("matrix", arch)
    except cells.TableError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    results = os.environ.get("MATRIX_RESULTS", os.path.join(TOP, "arch-matrix", "results"))
    out = os.path.join(top_out, arch)
    os.makedirs(results, exist_ok=True)
    os.makedirs(out, exist_ok=True)
    t0 = time.time()
    try:
        head = subprocess.run(["git", "-C", tree, "rev-parse", "HEAD"], stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL, text=True).stdout.strip()
    except OSError:
        head = ""
    result = {
        "arch": arch,
        "series": arch_matrix.series_hash(os.path.join(TOP, os.environ.get("PATCHES", "patches"))),
        "tree": head or "unknown",
        "started": now(),
        "reproduce": "scripts/matrix/matrix-cell.py " + " ".join(argv),
        "config": {"defconfig": cell["config"] or "-", "fragments": cell["fragments"] or "-"},
        "expect": cell["expect"] or "-",
        "ccache": os.environ.get("CCACHE_DIR", os.path.join(TOP, "build", "ccache")),
        "loadavg": {"start": loadavg()},
        "seconds": {},
    }
    signal.signal(signal.SIGTERM, killed)
    signal.signal(signal.SIGINT, killed)
    try:
        run_cell(cell, result, tree, base, top_out, out)
        end = CellEnd("fail", 2, "error: the cell ended without a verdict")
    except CellEnd as e:
        end = e
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    result.update(status=end.status, reason=end.reason, finished=now())
    result["seconds"]["total"] = int(time.time() - t0)
    result["loadavg"]["end"] = loadavg()
    path = os.path.join(results, arch + ".json")
    tmp = f"{path}.tmp{os.getpid()}"
    with open(tmp, "w") as f:
        json.dump(result, f, indent=1, sort_keys=True)
        f.write("\n")
    os.replace(tmp, path)
    print(end.reason)
    return end.code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
