#!/bin/bash
# Build a small kernel for the QEMU DAX tests: tinyconfig, then the
# fragments merged, then a check that every requested symbol landed
# (merge_config.sh only warns when one is lost).
#
# usage: [KARCH=arm|mips] qemu-kernel.sh TREE OUTDIR FRAGMENT...
#   TREE: a kernel source tree; OUTDIR: its build directory (O=), reused
#   so that rebuilds are incremental.  KARCH=arm (the default): an ARMv7
#   kernel, OUTDIR/arch/arm/boot/zImage, no dtbs (QEMU virt writes the
#   DT).  KARCH=mips: a 64-bit little-endian MIPS kernel, OUTDIR/vmlinux
#   (what QEMU's malta loads), its DTB built in.  KARCH, not ARCH: the
#   Makefile exports ARCH for the compile cells, and one make test runs
#   both kernels.
# exit: 0 built, 1 usage or missing tool, 2 configuration or build failure
set -u
. "$(dirname "$0")/lib.sh"
[ $# -ge 3 ] || die_usage "usage: $0 TREE OUTDIR FRAGMENT..."
here=$(cd "$(dirname "$0")" && pwd)
[ -f "$1/Makefile" ] || die_usage "error: $1 is not a kernel tree"
tree=$(realpath "$1") out=$2
shift 2
frags=()
for f in "$@"; do
	[ -f "$f" ] || die_usage "error: no fragment $f"
	frags+=("$(realpath "$f")")
done
case ${KARCH:-arm} in
arm) arch=arm cross=arm-linux-gnueabihf- target=zImage image=arch/arm/boot/zImage ;;
mips) arch=mips cross=mips64el-linux-gnuabi64- target=vmlinux image=vmlinux ;;
*) die_usage "error: KARCH must be arm or mips, not '$KARCH'" ;;
esac
# Debian names its cross compilers gcc-<triplet>.
"$here/deps.sh" "gcc-${cross%-}" ccache bc bison flex make >&2 || exit 1
need_tools "${cross}gcc" ccache

mkdir -p "$out"
out=$(realpath "$out")
# Build from a hard-linked mirror of TREE (tree_mirror, lib.sh), kept as
# long as TREE holds the same files: applying the same series again (the
# apply tests, after make demo) rewrites TREE's files, but not the
# mirror's, so Kbuild sees no change and the demo's kernel is the qemu
# group's.
tree_mirror "$tree" "$out.src" || { echo "error: cannot mirror $tree in $out.src"; exit 2; }
tree=$out.src
export CCACHE_DIR=${CCACHE_DIR:-$here/../build/ccache}
# Other builds share this machine: stay nice, and at most two jobs.
jobs=${JOBS:-2}
kmake() {
	nice -n 10 make -C "$tree" O="$out" ARCH="$arch" CROSS_COMPILE="$cross" \
		CC="ccache ${cross}gcc" V="${V:-0}" -j"$jobs" "$@"
}

# dropped_why SYMBOL: the "depends on" lines of SYMBOL's Kconfig entry,
# so that a dropped request says what it is missing.
dropped_why() {
	local sym=$1 kc
	for kc in $(grep -rlx --include='Kconfig*' "config $sym" "$tree"); do
		awk -v s="config $sym" '$0 == s { on = 1; next }
			on && /^(config|menuconfig|endmenu|menu|choice|endchoice|if|endif|source) / { exit }
			on && /^[[:space:]]*depends on/ { sub(/^[[:space:]]*/, ""); print }' "$kc" |
			sed "s|^|#   ${kc#"$tree"/}: $sym |"
	done
}

# symvals LINE...: the current value of each symbol the lines name.
symvals() {
	local s
	for s in $(grep -o '[A-Z][A-Z0-9_]*' <<<"$*" | grep -vx 'CONFIG' | sort -u); do
		printf '%s=%s ' "$s" "$(sed -n "s/^CONFIG_$s=//p" "$out/.config" | grep . || echo n)"
	done
}

progress "configure: tinyconfig + ${frags[*]##*/} (O=$out)"
kmake -s tinyconfig >/dev/null || { echo "error: make tinyconfig failed"; exit 2; }
(cd "$out" && ARCH=$arch CROSS_COMPILE=$cross "$tree/scripts/kconfig/merge_config.sh" -m -O "$out" \
	"$out/.config" "${frags[@]}") >"$out/merge.log" 2>&1 || { tail -n 5 "$out/merge.log"; echo "error: merge_config.sh failed"; exit 2; }
# Its "override: ... changes choice state" notes are expected (the
# fragment picks the unwinder): keep them in the log.
kmake -s olddefconfig >"$out/olddefconfig.log" 2>&1 ||
	{ cat "$out/olddefconfig.log"; echo "error: make olddefconfig failed"; exit 2; }
if ! "$here/config-check.sh" "$out/.config" "${frags[@]}" >"$out/config-check.log"; then
	cat "$out/config-check.log"
	for sym in $(sed -n 's/^error: .* asks for CONFIG_\([A-Za-z0-9_]*\)=.*/\1/p' "$out/config-check.log"); do
		why=$(dropped_why "$sym")
		echo "$why"
		echo "#   in this .config: $(symvals "$(sed 's/.*depends on//' <<<"$why")")"
	done
	echo "error: the kernel configuration lost requested symbols (see above)"
	exit 2
fi
for sym in FS_DAX FS_DAX_LIMITED ZONE_DEVICE ARCH_HAS_PMEM_API ARCH_HAS_CACHE_ALIASING ARCH_HAS_CACHE_ALIASING_DYNAMIC; do
	printf '%s=%s ' "$sym" "$(sed -n "s/^CONFIG_$sym=//p" "$out/.config" | grep . || echo n)"
done
echo

progress "build $target"
# A failed build must not leave an older kernel for the boots.
rm -f "$out/$image"
if ! PROGRESS_LABEL="build $target" run_logged "$out/build.log" kmake "$target"; then
	grep -E 'error|Error' "$out/build.log" | head -n 10
	echo "error: the kernel build failed (log: $out/build.log)"
	exit 2
fi
progress "built $out/$image"
echo "kernel: $out/$image"
