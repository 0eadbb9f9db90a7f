#!/bin/bash
# Build a kernel for a QEMU scenario that needs test scaffolding: REF
# (branch series) plus the test-only patches of one directory, in a
# worktree of its own, so that the series' tree is never touched.
# Those patches are test scaffolding, never part of the series.
#
# usage: [TEST_ONLY=DIR] [KARCH=...] qemu-test-tree.sh SRC REF TREEDIR OUTDIR FRAGMENT...
#   SRC: the kernel repository (build/linux); REF: what to check out
#   (series); TREEDIR: the worktree to (re)create; OUTDIR, FRAGMENT...,
#   KARCH: as for qemu-kernel.sh.  TEST_ONLY: the patches to apply,
#   *.patch in that directory (default qemu/test-only: the ARM "no DAX"
#   kernel; qemu/test-only/mips-malta: Malta's pmem DT nodes).
# exit: 0 built, 1 usage or missing tool, 2 a patch does not apply or
#       the build failed
set -u
. "$(dirname "$0")/lib.sh"
[ $# -ge 5 ] || die_usage "usage: $0 SRC REF TREEDIR OUTDIR FRAGMENT..."
here=$(cd "$(dirname "$0")" && pwd)
src=$1 ref=$2
# Absolute: "git -C SRC worktree add" would read a relative path from SRC.
dir=$(realpath -m "$3")
shift 3
git -C "$src" rev-parse -q --verify "$ref^{commit}" >/dev/null || die_usage "error: no commit $ref in $src"

# Reuse the worktree (the build directory is elsewhere, so a reset keeps
# rebuilds incremental); the patches are applied, not committed.
if [ -e "$dir/.git" ]; then
	git -C "$dir" checkout -q -f --detach "$ref" && git -C "$dir" clean -q -ffdx
else
	rm -rf "$dir"
	git -C "$src" worktree prune
	git -C "$src" worktree add -q -f --detach "$dir" "$ref"
fi || { echo "error: cannot check out $ref in $dir"; exit 2; }
patches=${TEST_ONLY:-$here/../qemu/test-only}
[ -d "$patches" ] || die_usage "error: no directory $patches (TEST_ONLY)"
for p in "$patches"/*.patch; do
	[ -f "$p" ] || continue
	if ! git -C "$dir" apply --index "$(realpath "$p")"; then
		echo "error: test-only patch ${p##*/} does not apply to $ref: refresh it (see its header)"
		exit 2
	fi
	progress "applied test-only ${p##*/} on $(git -C "$dir" rev-parse --short HEAD)"
done
exec "$here/qemu-kernel.sh" "$dir" "$@"
