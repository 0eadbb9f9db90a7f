#!/bin/bash
# Build a kernel for QEMU from its recipe, qemu/kernels/NAME.conf, the one
# place that says how a scenario's kernel is made.  A recipe sets:
#   KARCH, KCROSS  the kernel's ARCH and CROSS_COMPILE (Debian's cross
#                  compiler gcc-<triplet> is installed for it)
#   BASECONFIG     the make target to start from (tinyconfig)
#   FRAGMENTS      configs to merge on top, paths from the project's top;
#                  every symbol they ask for must land (kconfigure)
#   TEST_ONLY      empty, or a folder whose *.patch files are applied on
#                  top of TREE in a worktree of their own (OUTDIR.tree),
#                  so that the series' tree is never touched: test
#                  scaffolding, never part of the series
#   TARGETS        what make builds (zImage, "zImage dtbs", vmlinux)
#   IMAGE          what QEMU boots, in the build directory
# The kernel is built from a hard-linked mirror of the tree (OUTDIR.src,
# tree_mirror in lib.sh), kept as long as the tree holds the same files:
# applying the same series again (the apply tests, after make demo)
# rewrites TREE's files, but not the mirror's, so Kbuild sees no change.
#
# usage: qemu-kernel.sh RECIPE TREE OUTDIR
#   RECIPE: a name (qemu/kernels/NAME.conf) or the path of one; TREE: a
#   kernel tree (a git checkout where TEST_ONLY is set); OUTDIR: its
#   build directory (O=), reused so that rebuilds are incremental.
#   KEEP_DROPPED=1 builds even when a requested symbol was dropped: only
#   to prove that a boot check fails on a kernel without what it checks.
# exit: 0 built, 1 usage or missing tool, 2 a test-only patch did not
#       apply, the configuration lost a symbol, or the build failed
set -u
. "$(dirname "$0")/../lib/lib.sh"
. "$(dirname "$0")/../lib/kbuild.sh"
[ $# -eq 3 ] || die_usage "usage: $0 RECIPE TREE OUTDIR"
top=$TOP
recipe=$(kernel_recipe "$1") || exit 1
[ -f "$2/Makefile" ] || die_usage "error: $2 is not a kernel tree"
tree=$(realpath "$2")
mkdir -p "$3"
out=$(realpath "$3")
KARCH='' KCROSS='' BASECONFIG='' FRAGMENTS='' TEST_ONLY='' TARGETS='' IMAGE=''
# shellcheck source=/dev/null
. "$recipe"
for v in KARCH KCROSS BASECONFIG TARGETS IMAGE; do
	[ -n "${!v}" ] || die_usage "error: $recipe does not set $v"
done
frags=()
for f in $FRAGMENTS; do
	[ -f "$top/$f" ] || die_usage "error: $recipe: no fragment $f"
	frags+=("$top/$f")
done
"$SCRIPTS/lib/deps.sh" "gcc-${KCROSS%-}" ccache bc bison flex make >&2 || exit 1
need_tools "${KCROSS}gcc" ccache

# The test-only patches: applied, not committed, to a worktree of TREE's
# HEAD that is reused (a reset keeps rebuilds incremental).
if [ -n "$TEST_ONLY" ]; then
	[ -d "$top/$TEST_ONLY" ] || die_usage "error: $recipe: no folder $TEST_ONLY"
	ref=$(git -C "$tree" rev-parse -q --verify 'HEAD^{commit}') || die_usage "error: $tree is not a git checkout (TEST_ONLY)"
	git_worktree "$tree" "$out.tree" "$ref" || exit 2
	for p in "$top/$TEST_ONLY"/*.patch; do
		[ -f "$p" ] || continue
		if ! git -C "$out.tree" apply --index "$p"; then
			echo "error: test-only patch ${p##*/} does not apply to ${ref:0:12}: refresh it (see its header)"
			exit 2
		fi
		progress "applied test-only ${p##*/} on ${ref:0:12}"
	done
	tree=$out.tree
fi
tree_mirror "$tree" "$out.src" || { echo "error: cannot mirror $tree in $out.src"; exit 2; }
tree=$out.src

# A failed check or build must not leave an older kernel for the boots.
rm -f "${out:?}/$IMAGE"
if ! kconfigure "$tree" "$out" "$KARCH" "$KCROSS" "$BASECONFIG" "${frags[@]}"; then
	[ "${KEEP_DROPPED:-0}" = 1 ] && [ -f "$out/kconfig.stamp" ] || exit 2
	echo "KEEP_DROPPED=1: building anyway"
fi
for sym in FS_DAX FS_DAX_LIMITED ZONE_DEVICE ARCH_HAS_PMEM_API ARCH_HAS_CACHE_ALIASING ARCH_HAS_CACHE_ALIASING_DYNAMIC; do
	printf '%s=%s ' "$sym" "$(kconfig_value "$out" "$sym")"
done
echo

t0=$(date +%s)
# shellcheck disable=SC2086 # TARGETS: one word per target
if ! PROGRESS_LABEL="build $TARGETS" run_logged "$out/build.log" kmake "$tree" "$out" "$KARCH" "$KCROSS" $TARGETS; then
	grep -E 'error|Error' "$out/build.log" | head -n 10
	echo "error: the kernel build failed (log: $out/build.log)"
	exit 2
fi
progress "built $out/$IMAGE in $(($(date +%s) - t0))s, $(grep -c 'warning:' "$out/build.log") compiler warnings"
echo "kernel: $out/$IMAGE"
