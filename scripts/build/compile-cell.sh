#!/bin/bash
# Build one cell of arch-matrix/probe-cells.tsv: configure the kernel,
# check that every requested config symbol landed, then build the
# compile-time probe (scripts/build/probe), drivers/dax/, and where enabled
# fs/dax.o and drivers/nvdimm/.  A fragment NAME is
# configs/fragments/NAME.config, or configs/NAME.config for the
# fragments offered to distro builders.
#
# usage: compile-cell.sh CELL TREE OUTDIR
#   TREE: a kernel source tree (the series applied, or the base);
#   OUTDIR: its build directory (O=), reused for ccache-friendly rebuilds.
# exit: 0 built and the probe holds, 1 usage, 2 a build or a check
#       failed, 77 skipped (no toolchain in the registry)
set -u
. "$(dirname "$0")/../lib/lib.sh"
. "$(dirname "$0")/../lib/kbuild.sh"
[ $# -eq 3 ] || die_usage "usage: $0 CELL TREE OUTDIR"
top=$TOP
cell=$1 tree=$(realpath "$2") out=$3

row=$(awk -F'\t' -v c="$cell" 'NR > 1 && $1 == c' "$top/arch-matrix/probe-cells.tsv")
[ -n "$row" ] || die_usage "error: no cell '$cell' in arch-matrix/probe-cells.tsv"
IFS=$'\t' read -r _ arch cross pkg defconfig fragments expect <<<"$row"
[ "$cross" = "-" ] && cross=""
# The kernel's own variables override the data: CROSS_COMPILE, LLVM=1, V=1.
cross=${CROSS_COMPILE:-$cross}
case $expect in
false) probe_expect=0 ;; true) probe_expect=1 ;; runtime) probe_expect=2 ;;
*) die_usage "error: cell $cell: expect must be false, true or runtime" ;;
esac

if ! "$SCRIPTS/lib/deps.sh" "$pkg" >&2; then
	echo "no toolchain: Debian package $pkg could not be installed"
	exit "$SKIP"
fi

mkdir -p "$out"
out=$(realpath "$out")
# kmake (kbuild.sh) for this cell's tree, build directory and compiler.
km() {
	kmake "$tree" "$out" "$arch" "$cross" "$@"
}

progress "$cell: $defconfig + $fragments"
mapfile -t frags < <(frag_paths "$fragments")
kconfigure "$tree" "$out" "$arch" "$cross" "$defconfig" "${frags[@]}" || exit 2
dax_config_summary "$out/.config"

run_logged "$out/prepare.log" km -s prepare || { tail -n 20 "$out/prepare.log"; echo "error: make prepare failed"; exit 2; }

# External objects are built in their own directory (6.1 has no MO=):
# build a copy, not the project's source.
rm -rf "$out/probe" && cp -r "$SCRIPTS/build/probe" "$out/probe"
if ! run_logged "$out/probe.log" km M="$out/probe" PROBE_EXPECT=$probe_expect cache_aliasing_probe.o; then
	grep -E 'error|Error' "$out/probe.log" | head -n 5
	echo "error: probe: cache_is_aliasing() is not '$expect' here (log: $out/probe.log)"
	exit 2
fi
echo "probe: cache_is_aliasing() is $expect, as expected"

if grep -q '^CONFIG_DAX=y' "$out/.config"; then
	run_logged "$out/dax.log" km drivers/dax/ || { grep -E 'error|Error' "$out/dax.log" | head -n 5; echo "error: drivers/dax/ failed to build (log: $out/dax.log)"; exit 2; }
	echo "drivers/dax/: built"
fi
# What else the series changes, where this configuration compiles it.
targets=()
grep -q '^CONFIG_FS_DAX=y' "$out/.config" && targets+=(fs/dax.o mm/memory.o)
grep -Eq '^CONFIG_LIBNVDIMM=[ym]' "$out/.config" && targets+=(drivers/nvdimm/)
grep -q '^CONFIG_ARCH_HAS_PMEM_API=y' "$out/.config" && [ -f "$tree/arch/$arch/mm/pmem.c" ] && targets+=("arch/$arch/mm/pmem.o")
if [ ${#targets[@]} -gt 0 ]; then
	run_logged "$out/more.log" km "${targets[@]}" || { grep -E 'error|Error' "$out/more.log" | head -n 5; echo "error: ${targets[*]} failed to build (log: $out/more.log)"; exit 2; }
	echo "${targets[*]}: built"
fi
