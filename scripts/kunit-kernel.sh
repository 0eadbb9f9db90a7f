#!/bin/bash
# Build a small ARM QEMU kernel with the KUnit suite built in: tinyconfig,
# the fragments merged on top, every requested symbol checked (a dropped
# one fails the build before it starts), then the zImage and the DTBs of
# the enabled platforms.  Rebuilding into the same OUTDIR is incremental.
#
# usage: kunit-kernel.sh TREE OUTDIR FRAGMENT...
#   ARM only (the scenarios boot zImages); CROSS_COMPILE defaults to
#   arm-linux-gnueabi- (armel, which builds ARMv5, v6 and v7 alike).
#   KEEP_DROPPED=1 builds even when a requested symbol was dropped: only
#   for proving that the runner fails on a kernel without the suite.
# exit: 0 built, 1 usage, 2 config check or build failed, 77 skipped (no
#       cross compiler could be installed)
set -u
. "$(dirname "$0")/lib.sh"
[ $# -ge 3 ] || die_usage "usage: $0 TREE OUTDIR FRAGMENT..."
here=$(cd "$(dirname "$0")" && pwd)
tree=$(realpath "$1") out=$2
shift 2
[ -f "$tree/Makefile" ] || die_usage "error: $tree is not a kernel tree"
frags=()
for f in "$@"; do
	[ -f "$f" ] || die_usage "error: no fragment $f"
	frags+=("$(realpath "$f")")
done
# The Makefile exports ARCH and CROSS_COMPILE, empty unless given.
arch=arm
[ -z "${ARCH:-}" ] || [ "$ARCH" = arm ] || die_usage "error: $0 builds ARM kernels only, not ARCH=$ARCH"
cross=${CROSS_COMPILE:-arm-linux-gnueabi-}
# Debian names its cross compilers gcc-<triplet>.
if ! "$here/deps.sh" "gcc-${cross%-}" >&2; then
	echo "no toolchain: Debian package gcc-${cross%-} could not be installed"
	exit "$SKIP"
fi
need_tools make nice "${cross}gcc"

mkdir -p "$out"
out=$(realpath "$out")
export CCACHE_DIR=${CCACHE_DIR:-$here/../build/ccache}
ccache=$(command -v ccache || true)
t0=$(date +%s)
# Others build kernels on this machine at the same time: stay nice.
kmake() {
	nice -n 15 make -C "$tree" O="$out" ARCH="$arch" CROSS_COMPILE="$cross" \
		CC="$ccache ${cross}gcc" -j"${JOBS:-2}" "$@"
}

# A failed check or build must not leave an older zImage for the boots.
rm -f "$out/arch/$arch/boot/zImage"
progress "configure: tinyconfig + ${frags[*]##*/} (in $out)"
kmake -s tinyconfig >"$out/config.log" 2>&1 || { tail -n 5 "$out/config.log"; echo "error: make tinyconfig failed"; exit 2; }
(cd "$out" && ARCH=$arch "$tree/scripts/kconfig/merge_config.sh" -m -O "$out" "$out/.config" "${frags[@]}") >>"$out/config.log" 2>&1 ||
	{ tail -n 5 "$out/config.log"; echo "error: merge_config.sh failed"; exit 2; }
kmake -s olddefconfig >>"$out/config.log" 2>&1 || { tail -n 5 "$out/config.log"; echo "error: make olddefconfig failed"; exit 2; }
if ! "$here/config-check.sh" "$out/.config" "${frags[@]}"; then
	[ "${KEEP_DROPPED:-0}" = 1 ] || exit 2
	echo "KEEP_DROPPED=1: building anyway"
fi

progress "build: zImage dtbs (log: $out/build.log)"
if ! run_logged "$out/build.log" kmake zImage dtbs; then
	grep -E 'error|Error' "$out/build.log" | head -n 5
	echo "error: kernel build failed (log: $out/build.log)"
	exit 2
fi
warnings=$(grep -c 'warning:' "$out/build.log")
progress "built $out/arch/$arch/boot/zImage in $(($(date +%s) - t0))s, $warnings compiler warnings"
echo "kernel: $out/arch/$arch/boot/zImage"
